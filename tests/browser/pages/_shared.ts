/**
 * The class both the isolated page and its worker pool in a ThreadLocalPool:
 * one module imported on both sides, so each thread makes the same objects.
 *
 * @module
 */

/** A scratch object. */
export class Scratch {
  sum = 0;
}
