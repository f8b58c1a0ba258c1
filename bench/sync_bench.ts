/**
 * Synchronous pools against the limit (a bare preallocated array) and `new`,
 * one acquire + release per operation, in inner loops of 1000 so the
 * harness's own cost per call doesn't dominate. Each loop writes one field of
 * the object it gets, the baseline included.
 *
 * Run with `deno task bench` (it passes `--v8-flags=--expose-gc`, so a full
 * GC runs before each group and no earlier allocation distorts a figure).
 *
 * @module
 */

import { FixedPool } from "../mod.ts";

const INNER = 1000;
const CAPACITY = 1024;

class Particle {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
}

function fullGc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const bare: Particle[] = Array.from({ length: CAPACITY }, () => new Particle());
const fixed = new FixedPool(Particle, {
  capacity: CAPACITY,
  preInitialize: true,
});
// Holds a few of the `new` results so they escape to the heap.
const keep: Particle[] = Array.from({ length: 64 }, () => new Particle());

fullGc();

Deno.bench({
  name: "bare array pop + push (the limit)",
  group: "sync cycle",
  baseline: true,
  fn() {
    for (let i = 0; i < INNER; i++) {
      const p = bare.pop()!;
      p.x = i;
      bare.push(p);
    }
  },
});

Deno.bench({
  name: "new Particle()",
  group: "sync cycle",
  fn() {
    for (let i = 0; i < INNER; i++) {
      const p = new Particle();
      p.x = i;
      keep[i & 63] = p; // escapes, so V8 cannot optimise the allocation away
    }
  },
});

Deno.bench({
  name: "FixedPool acquire + release",
  group: "sync cycle",
  fn() {
    for (let i = 0; i < INNER; i++) {
      const p = fixed.acquire();
      p.x = i;
      fixed.release(p);
    }
  },
});
