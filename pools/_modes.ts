/**
 * The mode bits of the pools' fast paths, one numbering for all. Private to
 * `pools/`.
 *
 * A pool keeps an acquire mode and a release mode: each fast path runs only
 * while its mode has no bit that needs the general path. `MODE_STATS` is the
 * lowest bit so that the synchronous pools' fast paths (which count with
 * statistics on) test `mode <= MODE_STATS`; the AsyncPool's test
 * `mode === 0`. A bit a pool never sets costs it nothing.
 *
 * @module
 */

/** Statistics are recorded. */
export const MODE_STATS = 1;
/** The pool is closed (or draining): every call takes the general path. */
export const MODE_CLOSED = 2;
/** Release runs a `reset` first. */
export const MODE_RESET = 4;
/** Acquire and release times are sampled. */
export const MODE_TIMING = 8;
/** Idle objects are lent oldest first (the `deque` allocator). */
export const MODE_FIFO = 16;
/** Some objects carry no slot stamp (frozen or non-extensible objects). */
export const MODE_UNSTAMPED = 32;
/** Acquire runs `validate`. */
export const MODE_VALIDATE = 64;
/** Objects are retired after `maxUses` or `maxLifetime`. */
export const MODE_LIMITS = 128;
/** Idle objects are timed (`idleTimeout`, eviction). */
export const MODE_IDLE = 256;
/** Someone listens to `acquire` or `release` events. */
export const MODE_EVENTS = 512;
