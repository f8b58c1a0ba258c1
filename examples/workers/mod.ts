/**
 * The worker side of `examples/shared_particles.ts`: `particle_worker.ts` is
 * its entry module, and {@linkcode Particle} the shared-memory type both
 * sides pool.
 *
 * @module
 */

export { Particle } from "./particle.ts";
