/**
 * Tests of the private listener registry behind AsyncPool's events
 * (`pools/_event_listeners.ts`): its mask says exactly which pool event
 * types have listeners, under the DOM's rules for duplicates, capture,
 * `once` and `signal`.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EVENT_BITS, ListenerRegistry } from "../pools/_event_listeners.ts";
import { PoolEvent } from "../pools/pool_event.ts";

/** An EventTarget that mirrors its listeners in a registry, as AsyncPool does. */
class Target extends EventTarget {
  #registry = new ListenerRegistry({
    register: (t, l, o) => super.addEventListener(t, l, o),
    unregister: (t, l, o) => super.removeEventListener(t, l, o),
  });

  get mask(): number {
    return this.#registry.mask;
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    this.#registry.add(type, listener, options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.#registry.remove(type, listener, options);
  }
}

const ACQUIRE = EVENT_BITS.acquire;
const RELEASE = EVENT_BITS.release;

describe("ListenerRegistry (AsyncPool's listener counts)", () => {
  it("has one distinct bit per pool event type", () => {
    const bits = Object.values(EVENT_BITS);
    assert.equal(bits.length, 9);
    assert.equal(bits.reduce((a, b) => a | b, 0), 2 ** 9 - 1);
  });

  it("sets a type's bit while it has a listener, and only its bit", () => {
    const target = new Target();
    const seen: Event[] = [];
    const listener = (event: Event) => seen.push(event);
    assert.equal(target.mask, 0);
    target.addEventListener("acquire", listener);
    assert.equal(target.mask, ACQUIRE);
    target.addEventListener("release", listener);
    assert.equal(target.mask, ACQUIRE | RELEASE);
    const event = new PoolEvent("acquire");
    target.dispatchEvent(event);
    assert.deepEqual(seen, [event]);
    target.removeEventListener("acquire", listener);
    assert.equal(target.mask, RELEASE);
    target.dispatchEvent(new PoolEvent("acquire"));
    assert.equal(seen.length, 1, "removed for real");
    target.removeEventListener("release", listener);
    assert.equal(target.mask, 0);
  });

  it("counts a listener added twice once, and keeps capture listeners apart", () => {
    const target = new Target();
    let calls = 0;
    const listener = () => calls++;
    target.addEventListener("acquire", listener);
    target.addEventListener("acquire", listener, { passive: true });
    target.addEventListener("acquire", listener, true);
    target.dispatchEvent(new PoolEvent("acquire"));
    assert.equal(calls, 2, "one without capture, one with");
    target.removeEventListener("acquire", listener);
    assert.equal(target.mask, ACQUIRE, "the capture one is still there");
    target.removeEventListener("acquire", listener, { capture: true });
    assert.equal(target.mask, 0);
    target.dispatchEvent(new PoolEvent("acquire"));
    assert.equal(calls, 2);
  });

  it("forgets a once listener after it ran, or when it is removed first", () => {
    const target = new Target();
    const calls: unknown[] = [];
    function listener(this: unknown, event: Event) {
      calls.push(this, event.type);
    }
    target.addEventListener("release", listener, { once: true });
    assert.equal(target.mask, RELEASE);
    target.dispatchEvent(new PoolEvent("release"));
    assert.deepEqual(calls, [target, "release"], "`this` is the target");
    assert.equal(target.mask, 0);
    target.dispatchEvent(new PoolEvent("release"));
    assert.equal(calls.length, 2, "ran once");
    target.addEventListener("release", listener, { once: true });
    target.addEventListener("release", listener, { once: true }); // duplicate
    target.removeEventListener("release", listener);
    assert.equal(target.mask, 0);
    target.dispatchEvent(new PoolEvent("release"));
    assert.equal(calls.length, 2, "removed before it ran");
  });

  it("accepts listener objects with handleEvent, once too", () => {
    const target = new Target();
    const seen: string[] = [];
    const object = { handleEvent: (event: Event) => seen.push(event.type) };
    target.addEventListener("leak", object, { once: true });
    target.addEventListener("overdue", object);
    assert.equal(target.mask, EVENT_BITS.leak | EVENT_BITS.overdue);
    target.dispatchEvent(new PoolEvent("leak"));
    target.dispatchEvent(new PoolEvent("leak"));
    target.dispatchEvent(new PoolEvent("overdue"));
    assert.deepEqual(seen, ["leak", "overdue"]);
    assert.equal(target.mask, EVENT_BITS.overdue);
  });

  it("forgets a listener when its signal aborts, and never counts an aborted one", () => {
    const target = new Target();
    let calls = 0;
    const listener = () => calls++;
    const controller = new AbortController();
    target.addEventListener("timeout", listener, {
      signal: controller.signal,
    });
    assert.equal(target.mask, EVENT_BITS.timeout);
    controller.abort();
    assert.equal(target.mask, 0);
    target.dispatchEvent(new PoolEvent("timeout"));
    assert.equal(calls, 0);
    target.addEventListener("timeout", listener, {
      signal: AbortSignal.abort(),
    });
    assert.equal(target.mask, 0);
    target.dispatchEvent(new PoolEvent("timeout"));
    assert.equal(calls, 0);
  });

  it("a stale signal does not forget a listener added again since", () => {
    const target = new Target();
    let calls = 0;
    const listener = () => calls++;
    const first = new AbortController();
    target.addEventListener("create", listener, { signal: first.signal });
    target.removeEventListener("create", listener);
    target.addEventListener("create", listener);
    first.abort();
    assert.equal(target.mask, EVENT_BITS.create);
    target.dispatchEvent(new PoolEvent("create"));
    assert.equal(calls, 1);
  });

  it("tells its owner each time the mask changes, whoever changed it", () => {
    const masks: number[] = [];
    const target = new EventTarget();
    const registry: ListenerRegistry = new ListenerRegistry({
      register: (t, l, o) => target.addEventListener(t, l, o),
      unregister: (t, l, o) => target.removeEventListener(t, l, o),
      changed: () => masks.push(registry.mask),
    });
    const add = (
      type: string,
      listener: () => void,
      options?: AddEventListenerOptions,
    ) => registry.add(type, listener, options);
    const a = () => {};
    const b = () => {};
    add("acquire", a);
    add("acquire", b); // the mask is the same: no call
    add("release", a, { once: true });
    const controller = new AbortController();
    add("leak", a, { signal: controller.signal });
    assert.deepEqual(masks, [
      ACQUIRE,
      ACQUIRE | RELEASE,
      ACQUIRE | RELEASE | EVENT_BITS.leak,
    ]);
    target.dispatchEvent(new PoolEvent("release")); // the once listener ran
    controller.abort();
    registry.remove("acquire", a, undefined);
    registry.remove("acquire", b, undefined);
    assert.deepEqual(masks.slice(3), [
      ACQUIRE | EVENT_BITS.leak,
      ACQUIRE,
      0,
    ]);
  });

  it("passes other types, null listeners and unknown removals through", () => {
    const target = new Target();
    let calls = 0;
    target.addEventListener("custom", () => calls++);
    target.removeEventListener("acquire", () => {});
    target.removeEventListener("custom", null);
    assert.equal(target.mask, 0);
    target.dispatchEvent(new Event("custom"));
    assert.equal(calls, 1);
    // Not a listener: some runtimes throw a TypeError, others ignore it;
    // either way it is not counted.
    try {
      target.addEventListener("acquire", 5 as never);
    } catch (error) {
      assert.ok(error instanceof TypeError);
    }
    assert.equal(target.mask, 0);
  });
});
