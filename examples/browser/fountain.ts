/**
 * The particle fountain of the browser example, shared by the page and its
 * worker: both import this module (and through it the same `Particle` slot
 * class), so a particle means the same bytes in both threads.
 *
 * @module
 */

import { Particle } from "../workers/particle.ts";

export { Particle };

/** Particles in the pool: half stepped by the page, half by the worker. */
export const COUNT = 600;
/** The simulated box, metres: x in [0, WIDTH], y in [0, HEIGHT]. */
export const WIDTH = 16;
/** See {@linkcode WIDTH}. */
export const HEIGHT = 10;

/**
 * Sends a particle up from the fountain's mouth with a random speed.
 *
 * @param p The particle (its shared slot).
 * @param random A number in [0, 1).
 */
export function launch(p: Particle, random: number): void {
  p.x = WIDTH / 2;
  p.y = 0.001;
  p.vx = (random - 0.5) * 6;
  p.vy = 6 + 4 * ((random * 7919) % 1);
}

/**
 * Advances a particle by `dt` seconds; one that landed is launched again.
 *
 * @param p The particle.
 * @param dt Seconds.
 */
export function advance(p: Particle, dt: number): void {
  p.step(dt);
  if (p.y <= 0) launch(p, Math.random());
}
