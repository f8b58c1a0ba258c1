/**
 * The options of a {@linkcode SharedFreeListOptions | SharedFreeList} (where
 * it lives, where a thread starts searching, where a take is recorded) and
 * their checks, with the checks of a capacity, a byte offset and a slot
 * number. Private to `allocators/` (the options type is re-exported by
 * `shared_freelist.ts`).
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";

/**
 * Where a list lives and where a thread starts searching.
 *
 * @example A list after a 64-byte header of your own
 * ```ts
 * import { SharedFreeList, type SharedFreeListOptions } from "@fastalloc/fastalloc/allocators";
 *
 * const buffer = new SharedArrayBuffer(64 + SharedFreeList.byteLengthFor(8));
 * const options: SharedFreeListOptions = { buffer, byteOffset: 64, home: 0 };
 * const list = new SharedFreeList(8, options);
 * console.log(list.byteOffset, list.size); // 64 8
 * ```
 */
export interface SharedFreeListOptions {
  /** The buffer to put the list in (default: a new one of the right size). */
  buffer?: SharedArrayBuffer;
  /** The list's offset in `buffer`, a multiple of 4 (64 is best); default 0. */
  byteOffset?: number;
  /**
   * This thread's number (any non-negative integer): threads with different
   * numbers start searching in different words, so they rarely contend.
   * Default 0.
   */
  home?: number;
  /**
   * Where a take records which thread made it, in the same step: when
   * given, a successful take of slot `s` writes `claimId` to
   * `claims[2 * s + 1]` before anything else can run in this thread (no
   * call or loop lies between the compare-exchange and that write), so a
   * thread terminated at any point never holds a slot that is not recorded
   * as its own. An array of at least `2 * capacity` Int32s, usually in
   * shared memory (a pool keeps each slot's borrow record there).
   */
  claims?: Int32Array;
  /** What a take writes into `claims` (default 0). */
  claimId?: number;
}

/** Checked {@linkcode SharedFreeListOptions} with their defaults. */
export interface ListSettings {
  /** The buffer (given, or a new one of the right size). */
  readonly buffer: SharedArrayBuffer;
  /** The list's offset in the buffer. */
  readonly byteOffset: number;
  /** This thread's number. */
  readonly home: number;
  /** Where takes are recorded, if anywhere. */
  readonly claims: Int32Array | undefined;
  /** What a take records. */
  readonly claimId: number;
}

/**
 * Checks the options of a new list of `capacity` slots taking `bytes`.
 *
 * @param capacity The number of slots (already checked).
 * @param options The options as given.
 * @param bytes The bytes the list takes.
 * @returns The settings, with defaults filled in.
 * @throws {PoolConfigurationError} For a bad buffer, offset, home, claims or
 * claimId, or a buffer too small.
 *
 * @example
 * ```ts
 * import { checkListOptions } from "./_shared_list_options.ts";
 *
 * console.log(checkListOptions(8, { home: 3 }, 256).home); // 3
 * ```
 */
export function checkListOptions(
  capacity: number,
  options: SharedFreeListOptions,
  bytes: number,
): ListSettings {
  const buffer = options.buffer ?? new SharedArrayBuffer(bytes);
  const byteOffset = checkOffset(options.byteOffset, buffer);
  if (buffer.byteLength - byteOffset < bytes) {
    throw new PoolConfigurationError(
      `Cannot create SharedFreeList: ${quote(bytes)} bytes from byteOffset ${
        quote(byteOffset)
      } do not fit in a buffer of ${quote(buffer.byteLength)}`,
    );
  }
  const home = options.home === undefined ? 0 : options.home;
  if (!Number.isSafeInteger(home) || home < 0) {
    throw new PoolConfigurationError(
      `Cannot create SharedFreeList: home ${
        quote(home)
      } is not a non-negative integer`,
    );
  }
  const { claims, claimId = 0 } = options;
  if (
    claims !== undefined &&
    (!(claims instanceof Int32Array) || claims.length < 2 * capacity)
  ) {
    throw new PoolConfigurationError(
      `Cannot create SharedFreeList: claims ${
        quote(claims)
      } is not an Int32Array of at least ${2 * capacity} elements`,
    );
  }
  if (!Number.isSafeInteger(claimId) || (claimId | 0) !== claimId) {
    throw new PoolConfigurationError(
      `Cannot create SharedFreeList: claimId ${
        quote(claimId)
      } is not a 32-bit integer`,
    );
  }
  return { buffer, byteOffset, home, claims, claimId };
}

/**
 * Checks the capacity of a list: an integer from 1 to 2^30.
 *
 * @param capacity The capacity as given.
 * @throws {PoolConfigurationError} If it is anything else.
 *
 * @example
 * ```ts
 * import { checkListCapacity } from "./_shared_list_options.ts";
 *
 * checkListCapacity(64); // fine
 * ```
 */
export function checkListCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 2 ** 30) {
    throw new PoolConfigurationError(
      `Cannot size SharedFreeList: capacity ${
        quote(capacity)
      } is not an integer in [1, 2^30]`,
    );
  }
}

/**
 * Checks a list's buffer and its byte offset in it.
 *
 * @param byteOffset The offset as given (default 0).
 * @param buffer The buffer as given.
 * @returns The offset: a multiple of 4 within the buffer.
 * @throws {PoolConfigurationError} If the buffer is not a
 * `SharedArrayBuffer` or the offset is bad.
 *
 * @example
 * ```ts
 * import { checkOffset } from "./_shared_list_options.ts";
 *
 * console.log(checkOffset(undefined, new SharedArrayBuffer(64))); // 0
 * ```
 */
export function checkOffset(
  byteOffset: number | undefined,
  buffer: SharedArrayBuffer,
): number {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new PoolConfigurationError(
      `Cannot use SharedFreeList buffer: ${
        quote(buffer)
      } is not a SharedArrayBuffer`,
    );
  }
  const offset = byteOffset === undefined ? 0 : byteOffset;
  if (
    !Number.isSafeInteger(offset) || offset < 0 || offset % 4 !== 0 ||
    offset > buffer.byteLength
  ) {
    throw new PoolConfigurationError(
      `Cannot use SharedFreeList buffer: byteOffset ${
        quote(offset)
      } is not a multiple of 4 within the buffer`,
    );
  }
  return offset;
}

/**
 * Whether `slot` is a slot number of a list of `capacity` slots: an integer
 * in `[0, capacity)`. Tiny, so the engine inlines it into `push`.
 *
 * @param slot The slot as given.
 * @param capacity The list's capacity.
 * @returns `true` for a slot number.
 *
 * @example
 * ```ts
 * import { isSlot } from "./_shared_list_options.ts";
 *
 * console.log(isSlot(3, 4), isSlot(4, 4), isSlot("3", 4)); // true false false
 * ```
 */
export function isSlot(slot: unknown, capacity: number): boolean {
  return typeof slot === "number" && (slot >>> 0) === slot && slot < capacity;
}

/**
 * The error for a slot number that {@linkcode isSlot} refuses.
 *
 * @param slot The slot as given.
 * @param capacity The list's capacity.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { outOfRange } from "./_shared_list_options.ts";
 *
 * console.log(outOfRange(4, 4).message); // Cannot use slot 4: it is not an integer in [0, 4)
 * ```
 */
export function outOfRange(slot: unknown, capacity: number): RangeError {
  return new RangeError(
    `Cannot use slot ${quote(slot)}: it is not an integer in [0, ${capacity})`,
  );
}
