/**
 * The reaper of {@linkcode AsyncPool}, private to `pools/`: the background
 * timers over the idle store. Idle eviction (`idleTimeout`) takes out objects
 * idle too long, oldest first, never below `min`; health checks
 * (`healthCheckInterval`) take out objects idle for a whole interval so the
 * pool can validate them. Neither timer ever keeps a process alive.
 *
 * @module
 */

import type { IdleStore } from "./_async_idle.ts";
import { clearTimer, setUnrefTimeout } from "./_async_timers.ts";

/** What the reaper asks of its pool. */
export interface ReaperOwner {
  /** How many objects may be evicted now (objects above `min`). */
  surplus(): number;
  /** Destroys these idle slots (already out of the idle store). */
  evict(slots: number[]): void;
  /** Validates these idle slots in the background (already out of the store). */
  check(slots: number[]): void;
}

/** The eviction and health-check timers of one pool. */
export class Reaper {
  readonly #owner: ReaperOwner;
  readonly #idle: IdleStore;
  readonly #idleTimeout: number | undefined;
  readonly #healthInterval: number | undefined;
  #evictTimer: unknown = undefined;
  #healthTimer: unknown = undefined;
  #stopped = false;

  constructor(
    owner: ReaperOwner,
    idle: IdleStore,
    idleTimeout: number | undefined,
    healthInterval: number | undefined,
  ) {
    this.#owner = owner;
    this.#idle = idle;
    this.#idleTimeout = idleTimeout;
    this.#healthInterval = healthInterval;
    if (healthInterval !== undefined) {
      this.#healthTimer = setUnrefTimeout(onHealthTimer, healthInterval, this);
    }
  }

  /** An object became idle: make sure eviction will look at it. */
  idled(): void {
    if (
      this.#idleTimeout !== undefined && this.#evictTimer === undefined &&
      !this.#stopped && this.#owner.surplus() > 0
    ) {
      this.#evictTimer = setUnrefTimeout(
        onEvictTimer,
        this.#idleTimeout,
        this,
      );
    }
  }

  /** Destroys objects idle longer than `idleTimeout`, oldest first, down to `min`. */
  evictNow(): void {
    this.#evictTimer = undefined;
    if (this.#stopped) return;
    const timeout = this.#idleTimeout!;
    const now = performance.now();
    const surplus = this.#owner.surplus();
    const victims = this.#idle.takeIdleSince(now - timeout, surplus);
    if (victims.length > 0) this.#owner.evict(victims);
    if (this.#idle.count > 0 && this.#owner.surplus() > 0 && !this.#stopped) {
      const due = this.#idle.oldestSince() + timeout - now;
      this.#evictTimer = setUnrefTimeout(onEvictTimer, Math.max(1, due), this);
    }
  }

  /** Hands objects idle for a whole interval to the pool to validate. */
  checkNow(): void {
    this.#healthTimer = undefined;
    if (this.#stopped) return;
    const interval = this.#healthInterval!;
    const stale = this.#idle.takeIdleSince(
      performance.now() - interval,
      Infinity,
    );
    if (stale.length > 0) this.#owner.check(stale);
    if (!this.#stopped) {
      this.#healthTimer = setUnrefTimeout(onHealthTimer, interval, this);
    }
  }

  /** Stops both timers for good (close). */
  stop(): void {
    this.#stopped = true;
    if (this.#evictTimer !== undefined) clearTimer(this.#evictTimer);
    if (this.#healthTimer !== undefined) clearTimer(this.#healthTimer);
    this.#evictTimer = this.#healthTimer = undefined;
  }
}

function onEvictTimer(reaper: Reaper): void {
  reaper.evictNow();
}

function onHealthTimer(reaper: Reaper): void {
  reaper.checkNow();
}
