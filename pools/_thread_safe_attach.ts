/**
 * How a thread opens a `ThreadSafePool`: creating its shared memory, or
 * checking a descriptor another thread shared and opening that; and the
 * thread table, where each thread attached at once holds one entry (its
 * statistics row, the waits it registered) that it gives back when it
 * closes, detaches or is reclaimed, so `maxThreads` bounds the threads
 * attached at once. Private to `pools/`.
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { PoolType } from "../config/options.ts";
import { typeAndOptions } from "./_overloads.ts";
import { isOptions } from "../config/_option_keys.ts";
import type {
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolDescriptor,
  ThreadSafePoolOptions,
} from "../config/thread_safe_options.ts";
import {
  slotByteLength,
  type ThreadSafeAttachSettings,
  validateThreadSafeAttachOptions,
  validateThreadSafePoolOptions,
} from "../config/_thread_safe_options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkSharedMemory } from "./_shared_memory.ts";
import {
  FLAG_STATS,
  FLAG_TIMING,
  H_CAPACITY,
  H_CLOSED,
  H_FLAGS,
  H_MAGIC,
  H_MAX_THREADS,
  H_SAMPLE_INTERVAL,
  H_SLOT_BYTES,
  H_THREADS,
  H_VERSION,
  HEADER_WORDS,
  layout,
  MAGIC,
  T_OWNER,
  T_WAITERS,
  T_WORDS,
  VERSION,
} from "./_thread_safe_layout.ts";
import { ThreadSafeSlots } from "./_thread_safe_slots.ts";

/** The `kind` of every descriptor. */
export const DESCRIPTOR_KIND = "fastalloc.ThreadSafePool";

/**
 * What `ThreadSafePool.attach` passes its constructor so that it opens the
 * descriptor's pool instead of creating one: a private field no other code
 * can make or fake, read without running user code.
 *
 * @example
 * ```ts
 * import { AttachTicket } from "./_thread_safe_attach.ts";
 *
 * console.log(AttachTicket.descriptorOf({ descriptor: 1 })); // undefined
 * ```
 */
export class AttachTicket {
  #descriptor: ThreadSafePoolDescriptor;

  /**
   * A ticket for a checked descriptor.
   *
   * @param descriptor The descriptor, checked by {@linkcode checkDescriptor}.
   */
  constructor(descriptor: ThreadSafePoolDescriptor) {
    this.#descriptor = descriptor;
  }

  /**
   * The descriptor of a ticket.
   *
   * @param ticket Any value.
   * @returns Its descriptor, or `undefined` when it is not a ticket.
   */
  static descriptorOf(ticket: unknown): ThreadSafePoolDescriptor | undefined {
    return ticket !== null && typeof ticket === "object" &&
        #descriptor in ticket
      ? ticket.#descriptor
      : undefined;
  }
}

/**
 * Checks a descriptor from `share()` against its buffer, and a slot type's
 * `byteLength` against the pool's slot size.
 *
 * @param descriptor What the caller passed as the descriptor.
 * @param type The slot class, if one was given.
 * @returns The descriptor, checked.
 * @throws {PoolConfigurationError} If it is not a descriptor, does not match
 * its buffer, or the type's `byteLength` differs.
 *
 * @example
 * ```ts
 * import { ThreadSafePool } from "@fastalloc/fastalloc";
 * import { checkDescriptor } from "./_thread_safe_attach.ts";
 *
 * const descriptor = new ThreadSafePool({ capacity: 2, slotBytes: 4 }).share();
 * console.log(checkDescriptor(descriptor, undefined) === descriptor); // true
 * ```
 */
export function checkDescriptor(
  descriptor: unknown,
  type: SlotType<unknown> | undefined,
): ThreadSafePoolDescriptor {
  const where = "Cannot attach ThreadSafePool";
  const d = descriptor as ThreadSafePoolDescriptor;
  // A revoked Proxy is refused before any read (each would throw).
  const buffer = isOptions(descriptor)
    ? (descriptor as { buffer?: unknown }).buffer
    : undefined;
  if (
    !isOptions(descriptor) || d.kind !== DESCRIPTOR_KIND ||
    !(buffer instanceof SharedArrayBuffer) ||
    buffer.byteLength < HEADER_WORDS * 4
  ) {
    throw new PoolConfigurationError(
      `${where}: ${
        quote(descriptor)
      } is not a descriptor from ThreadSafePool.share()`,
    );
  }
  const header = new Int32Array(buffer, 0, HEADER_WORDS);
  if (
    Atomics.load(header, H_MAGIC) !== MAGIC ||
    header[H_VERSION] !== d.version || header[H_CAPACITY] !== d.capacity ||
    header[H_SLOT_BYTES] !== d.slotBytes
  ) {
    throw new PoolConfigurationError(
      `${where}: the descriptor (capacity ${quote(d.capacity)}, slotBytes ${
        quote(d.slotBytes)
      }, version ${quote(d.version)}) does not match its buffer`,
    );
  }
  if (type !== undefined) {
    const length = slotByteLength(type, "ThreadSafePool.attach");
    if (length !== d.slotBytes) {
      throw new PoolConfigurationError(
        `${where}: ${type.name}.byteLength ${
          quote(length)
        } differs from the pool's slotBytes ${quote(d.slotBytes)}`,
      );
    }
  }
  return d;
}

/**
 * Opens this thread's slots of a pool: a new one from `given` (the
 * constructor's options), or, with a ticket, the descriptor's pool with this
 * thread's callbacks. It attaches this thread's thread-table entry last,
 * then makes every wrapper when `preInitialize` asks.
 *
 * @typeParam T The wrapper type.
 * @param type The slot class, if one was given.
 * @param given The options as given.
 * @param ticket What `attach` passed (anything else creates a pool).
 * @returns This thread's slots.
 * @throws {PoolConfigurationError} For a bad option, no shared memory, or
 * every thread-table entry taken.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 *
 * const slots = openSlots(undefined, { capacity: 2, slotBytes: 4 }, undefined);
 * console.log(slots.threadId, slots.capacity); // 1 2
 * ```
 */
export function openSlots<T extends object>(
  type: PoolType<T> | undefined,
  given: unknown,
  ticket: unknown,
): ThreadSafeSlots<T> {
  const descriptor = AttachTicket.descriptorOf(ticket);
  let buffer: SharedArrayBuffer;
  let settings: ThreadSafeAttachSettings<T>;
  let threadId: number;
  if (descriptor === undefined) {
    checkSharedMemory("create", "ThreadSafePool");
    const full = validateThreadSafePoolOptions(
      type,
      given as ThreadSafePoolOptions<T>,
      "ThreadSafePool",
    );
    const stats = full.statistics;
    const shape = layout(
      full.capacity,
      full.slotBytes,
      full.maxThreads,
      stats.enabled,
    );
    buffer = new SharedArrayBuffer(shape.byteLength);
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[H_CAPACITY] = full.capacity;
    header[H_SLOT_BYTES] = full.slotBytes;
    header[H_FLAGS] = (stats.enabled ? FLAG_STATS : 0) |
      (stats.timing ? FLAG_TIMING : 0);
    header[H_SAMPLE_INTERVAL] = Math.max(1, Math.round(1 / stats.sampleRate));
    header[H_MAX_THREADS] = full.maxThreads;
    header[H_THREADS] = 1;
    header[H_VERSION] = VERSION;
    new SharedFreeList(full.capacity, { buffer, byteOffset: shape.freeList });
    Atomics.store(header, H_MAGIC, MAGIC);
    threadId = 1;
    settings = full;
  } else {
    buffer = descriptor.buffer;
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    settings = validateThreadSafeAttachOptions(
      type,
      (given ?? {}) as ThreadSafeAttachOptions<T>,
      header[H_SLOT_BYTES]!,
      "ThreadSafePool.attach",
    );
    threadId = Atomics.add(header, H_THREADS, 1) + 1;
  }
  const slots = new ThreadSafeSlots<T>(buffer, threadId, settings);
  // Last, so nothing after it can fail and leave the entry taken.
  const entry = attachEntry(slots.threads, threadId);
  if (entry < 0) {
    throw new PoolConfigurationError(
      `Cannot attach ThreadSafePool: all ${slots.layout.threadCount} thread rows (maxThreads) are taken by attached threads; close or detach a thread's pool, or reclaim a dead thread`,
    );
  }
  slots.entry = entry;
  slots.counters.attachRow(entry);
  if (settings.preInitialize) {
    try {
      slots.fill();
    } catch (error) {
      detachEntry(slots);
      throw error;
    }
  }
  return slots;
}

/**
 * Attaches thread `id` at a free thread-table entry.
 *
 * @param threads The thread table.
 * @param id The thread's id.
 * @returns The entry's index, or -1 when every entry is taken.
 *
 * @example
 * ```ts
 * import { attachEntry } from "./_thread_safe_attach.ts";
 *
 * const threads = new Int32Array(new SharedArrayBuffer(2 * 16 * 4));
 * console.log(attachEntry(threads, 7), attachEntry(threads, 8), attachEntry(threads, 9)); // 0 1 -1
 * ```
 */
export function attachEntry(threads: Int32Array, id: number): number {
  const count = threads.length / T_WORDS;
  for (let i = 0; i < count; i++) {
    if (Atomics.compareExchange(threads, i * T_WORDS + T_OWNER, 0, id) === 0) {
      return i;
    }
  }
  return -1;
}

/**
 * The thread-table entry of thread `id`.
 *
 * @param threads The thread table.
 * @param id The thread's id.
 * @returns The entry's index, or -1.
 *
 * @example
 * ```ts
 * import { attachEntry, findEntry } from "./_thread_safe_attach.ts";
 *
 * const threads = new Int32Array(new SharedArrayBuffer(2 * 16 * 4));
 * attachEntry(threads, 7);
 * console.log(findEntry(threads, 7), findEntry(threads, 8)); // 0 -1
 * ```
 */
export function findEntry(threads: Int32Array, id: number): number {
  const count = threads.length / T_WORDS;
  for (let i = 0; i < count; i++) {
    if (Atomics.load(threads, i * T_WORDS + T_OWNER) === id) return i;
  }
  return -1;
}

/**
 * Frees thread-table entry `index`: its waiter registrations are settled
 * with the free list, and the entry becomes free (last, so nobody attaches
 * there before it is clean). Its statistics row keeps its counts for the
 * next thread there. Call it only for a thread that no longer uses the
 * entry.
 *
 * @param threads The thread table.
 * @param index The entry.
 * @param free The pool's free list.
 *
 * @example
 * ```ts
 * import { SharedFreeList } from "../allocators/shared_freelist.ts";
 * import { attachEntry, findEntry, freeEntry } from "./_thread_safe_attach.ts";
 *
 * const threads = new Int32Array(new SharedArrayBuffer(16 * 4));
 * freeEntry(threads, attachEntry(threads, 7), new SharedFreeList(1));
 * console.log(findEntry(threads, 7)); // -1
 * ```
 */
export function freeEntry(
  threads: Int32Array,
  index: number,
  free: SharedFreeList,
): void {
  free.settleWaiters(Atomics.exchange(threads, index * T_WORDS + T_WAITERS, 0));
  Atomics.store(threads, index * T_WORDS + T_OWNER, 0);
}

/**
 * Gives back this thread's thread-table entry (once): from now on it counts
 * in the late counters.
 *
 * @param slots This thread's slots.
 *
 * @example
 * ```ts
 * import { detachEntry, openSlots } from "./_thread_safe_attach.ts";
 *
 * const slots = openSlots(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * detachEntry(slots);
 * console.log(slots.entry); // -1
 * ```
 */
export function detachEntry<T extends object>(slots: ThreadSafeSlots<T>): void {
  const entry = slots.entry;
  if (entry < 0) return;
  slots.entry = -1;
  slots.counters.detachRow();
  freeEntry(slots.threads, entry, slots.free);
}

/**
 * The `ThreadSafePool` constructor's work: tells its overloads apart, then
 * {@linkcode openSlots}. With a second argument the first is the type, even
 * when it is not a class, so validation names the real mistake.
 *
 * @typeParam T The wrapper type.
 * @param typeOrOptions The constructor's first argument.
 * @param options Its second argument.
 * @param ticket Its hidden third argument (from `attach`).
 * @returns This thread's slots.
 * @throws {PoolConfigurationError} For a bad option.
 *
 * @example
 * ```ts
 * import { openPool } from "./_thread_safe_attach.ts";
 *
 * console.log(openPool({ capacity: 2, slotBytes: 4 }, undefined, undefined).capacity); // 2
 * ```
 */
export function openPool<T extends object>(
  typeOrOptions: unknown,
  options: unknown,
  ticket: unknown,
): ThreadSafeSlots<T> {
  const split = typeAndOptions<PoolType<T>, unknown>(typeOrOptions, options);
  return openSlots<T>(split.type, split.options, ticket);
}

/** A pool constructor as `attach` calls it, with its hidden third argument. */
export type Attaching<P> = new (
  typeOrOptions: never,
  options: never,
  ticket: never,
) => P;

/**
 * `ThreadSafePool.attach`: checks the arguments and the descriptor, then
 * makes the pool with an {@linkcode AttachTicket}, so it opens the shared
 * pool instead of creating one.
 *
 * @typeParam P The pool type.
 * @param make The pool class.
 * @param typeOrDescriptor The slot class, or the descriptor.
 * @param descriptorOrOptions The descriptor, or this thread's options.
 * @param options This thread's options after a slot class.
 * @returns This thread's view of the pool.
 * @throws {PoolConfigurationError} For a bad descriptor or option.
 *
 * @example
 * ```ts
 * import { attachView } from "./_thread_safe_attach.ts";
 * import { ThreadSafePool } from "./thread_safe_pool.ts";
 *
 * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
 * console.log(attachView(ThreadSafePool, pool.share(), undefined, undefined).threadId); // 2
 * ```
 */
export function attachView<P>(
  make: Attaching<P>,
  typeOrDescriptor: unknown,
  descriptorOrOptions: unknown,
  options: unknown,
): P {
  checkSharedMemory("attach", "ThreadSafePool");
  const type = typeof typeOrDescriptor === "function"
    ? typeOrDescriptor as SlotType<unknown>
    : undefined;
  const descriptor = checkDescriptor(
    type === undefined ? typeOrDescriptor : descriptorOrOptions,
    type,
  );
  const given = (type === undefined ? descriptorOrOptions : options) ?? {};
  return new (make as unknown as new (
    typeOrOptions: unknown,
    options: unknown,
    ticket: AttachTicket,
  ) => P)(
    type ?? given,
    type === undefined ? undefined : given,
    new AttachTicket(descriptor),
  );
}

/**
 * The descriptor `ThreadSafePool.share` returns: what another thread needs
 * to attach (the buffer is shared, not copied).
 *
 * @param slots This thread's slots.
 * @returns The descriptor.
 *
 * @example
 * ```ts
 * import { descriptorOf, openSlots } from "./_thread_safe_attach.ts";
 *
 * const slots = openSlots(undefined, { capacity: 2, slotBytes: 4 }, undefined);
 * console.log(descriptorOf(slots).capacity); // 2
 * ```
 */
export function descriptorOf<T extends object>(
  slots: ThreadSafeSlots<T>,
): ThreadSafePoolDescriptor {
  return {
    kind: DESCRIPTOR_KIND,
    version: VERSION,
    buffer: slots.buffer,
    capacity: slots.capacity,
    slotBytes: slots.slotBytes,
  };
}

/**
 * This thread leaves the pool (`close` and `detach`): closing also sets the
 * shared closed flag (once, waking every waiting thread); then this thread's
 * entry is given back and its idle wrappers are destroyed.
 *
 * @param slots This thread's slots.
 * @param closing Whether to close the pool for every thread.
 * @throws {AggregateError} If `destroy` threw for any wrapper.
 *
 * @example
 * ```ts
 * import { leaveView, openSlots } from "./_thread_safe_attach.ts";
 *
 * const slots = openSlots(undefined, { capacity: 2, slotBytes: 4 }, undefined);
 * leaveView(slots, true);
 * console.log(slots.entry, slots.free.size); // -1 2
 * ```
 */
export function leaveView<T extends object>(
  slots: ThreadSafeSlots<T>,
  closing: boolean,
): void {
  if (
    closing && Atomics.compareExchange(slots.header, H_CLOSED, 0, 1) === 0
  ) {
    slots.free.interrupt();
  }
  detachEntry(slots);
  slots.retireIdle();
}
