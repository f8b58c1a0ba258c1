/**
 * The particle of `examples/shared_particles.ts`: position and velocity in
 * shared memory, so the main thread and both workers see the same values.
 *
 * @module
 */

/** One particle: a view of 32 shared bytes. */
export class Particle {
  /** Bytes of shared state per slot: x, y, vx, vy as float64. */
  static readonly byteLength = 32;
  readonly #f: Float64Array;

  /**
   * Views the slot at `byteOffset` of `buffer` (never writes it).
   *
   * @param buffer The pool's memory.
   * @param byteOffset Where this particle's slot starts.
   */
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.#f = new Float64Array(buffer, byteOffset, 4);
  }

  /** Horizontal position, metres. */
  get x(): number {
    return this.#f[0]!;
  }
  set x(value: number) {
    this.#f[0] = value;
  }
  /** Height, metres. */
  get y(): number {
    return this.#f[1]!;
  }
  set y(value: number) {
    this.#f[1] = value;
  }
  /** Horizontal speed, metres per second. */
  get vx(): number {
    return this.#f[2]!;
  }
  set vx(value: number) {
    this.#f[2] = value;
  }
  /** Vertical speed, metres per second. */
  get vy(): number {
    return this.#f[3]!;
  }
  set vy(value: number) {
    this.#f[3] = value;
  }

  /** Advances the particle by `dt` seconds under gravity; stops it on the ground. */
  step(dt: number): void {
    if (this.y <= 0) return;
    this.vy -= 9.81 * dt;
    this.x += this.vx * dt;
    this.y = Math.max(0, this.y + this.vy * dt);
  }
}
