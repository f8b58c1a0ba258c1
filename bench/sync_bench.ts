/**
 * Synchronous pools against the limit (a bare preallocated array), `new` and
 * reusify, in two groups:
 *
 * - **sync cycle**: one acquire + release per operation, in inner loops of
 *   1000 so the harness's own cost per call doesn't dominate. Divide a
 *   figure by 1000 for the cost of one acquire + release.
 * - **sync burst**: 256 acquires, then 256 releases (a frame's worth of
 *   particles, a batch of buffers). Divide by 256.
 *
 * Every loop writes one field of the object it gets, the baseline included,
 * so no contender is measured on an object nobody touches.
 *
 * ## Measuring honestly
 *
 * `deno bench` runs every bench of a file in one isolate, in registration
 * order, so an earlier bench can leak into a later figure in three ways:
 *
 * - **Garbage.** `new` and the `using` handle allocate on every operation; a
 *   bench that runs after them could be charged for the scavenges,
 *   concurrent marking and sweeping of their garbage. So each bench runs a
 *   full GC before its first call (see {@linkcode bench}; it needs
 *   `--v8-flags=--expose-gc`, else a note is printed), and the contenders
 *   that make garbage come last in each group.
 * - **Heap state.** Every bench builds its pool lazily, on its first
 *   (untimed, warm-up) call, so no bench runs beside pools that only later
 *   benches use. This matters: measured with one `FixedPool` in the
 *   process, acquire + release cost 4.1–4.5 ns; with five more identical,
 *   idle, pre-initialised pools of 1024 objects built at start-up, 9.7–9.9
 *   ns in every run (with one more: fast; with two: sometimes slow). The
 *   cause is not pinned down (it is not the object count, and not a GC
 *   moving objects).
 * - **JIT feedback.** Each synchronous pool compiles its own fast
 *   functions (where code generation is allowed), so pools of different
 *   classes no longer share inline caches; the benches of real programs
 *   with many classes and pools are in `bench/real_programs.ts`.
 *   `bash bench/run_all.sh --isolate` runs every bench in a fresh process
 *   (`--filter` on its exact name). reusify's objects carry a `next` field,
 *   so they get their own class.
 *
 * Run: `deno bench --v8-flags=--expose-gc bench/sync_bench.ts`,
 * or `bash bench/run_all.sh [--isolate]` for the whole suite with the report
 * (figures are medians over several processes: a figure can differ from
 * process to process).
 *
 * @module
 */

import reusify from "npm:reusify@1.1.0";
import {
  FixedPool,
  GrowingPool,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";

const INNER = 1000;
const BURST = 256;
const CAPACITY = 1024;

class Particle {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
}

/**
 * The same six numbers in a thread-safe pool's shared slot: a Float64Array
 * view made once per slot, so writing a field is `p.f[0] = …`.
 */
class SharedParticle {
  static readonly byteLength = 48;
  readonly f: Float64Array;
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.f = new Float64Array(buffer, byteOffset, 6);
  }
}

/** The same object for reusify, which links idle objects through `next`. */
class LinkedParticle {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
  next: LinkedParticle | null = null;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error(
    "sync_bench: run with --v8-flags=--expose-gc, or earlier benches' garbage is not collected before each bench",
  );
}

/**
 * Registers a bench whose state is made lazily. `setup` runs on the bench's
 * first call, then a full GC, then the loop it returned; later calls run
 * the loop only. `deno bench` always starts a bench with warm-up calls that
 * it does not time, so setup and collection land before any timed call: the
 * bench starts on a clean heap, and only its own pools (and those of the
 * benches before it) exist in the process. The wrapper costs one branch and
 * one call per 1000 (or 256) operations.
 */
function bench(
  group: string,
  name: string,
  setup: () => () => void,
  baseline = false,
): void {
  let loop: (() => void) | undefined;
  Deno.bench({
    name,
    group,
    baseline,
    fn() {
      if (loop === undefined) {
        loop = setup();
        gc?.();
      }
      loop();
    },
  });
}

function fixedPool(
  options: { enableStatistics?: boolean | { timing: boolean } } = {},
): FixedPool<Particle> {
  return new FixedPool(Particle, {
    capacity: CAPACITY,
    preInitialize: true,
    ...options,
  });
}

// `use` takes a function; a hoisted one reads the loop index from here, so
// the loop creates no closure per call.
let tick = 0;
function touch(p: Particle): void {
  p.x = tick;
}

// ---- sync cycle ------------------------------------------------------------

const CYCLE = "sync cycle";

bench(CYCLE, "bare array pop + push (the limit)", () => {
  const bare = Array.from({ length: CAPACITY }, () => new Particle());
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = bare.pop()!;
      p.x = i;
      bare.push(p);
    }
  };
}, true);

bench(CYCLE, "reusify get + release", () => {
  const linked = reusify(LinkedParticle);
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = linked.get();
      p.x = i;
      linked.release(p);
    }
  };
});

bench(CYCLE, "FixedPool acquire + release", () => {
  const pool = fixedPool();
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.x = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "FixedPool, statistics", () => {
  const pool = fixedPool({ enableStatistics: true });
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.x = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "FixedPool, statistics with timing (1% sampled)", () => {
  const pool = fixedPool({ enableStatistics: { timing: true } });
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.x = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "GrowingPool acquire + release", () => {
  const pool = new GrowingPool(Particle, {
    capacity: CAPACITY,
    preInitialize: true,
  });
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.x = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "ThreadLocalPool acquire + release", () => {
  const pool = new ThreadLocalPool(Particle, {
    capacity: CAPACITY,
    preInitialize: true,
  });
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.x = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "ThreadSafePool on one thread", () => {
  const pool = new ThreadSafePool(SharedParticle, {
    capacity: CAPACITY,
    preInitialize: true,
  });
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.f[0] = i;
      pool.release(p);
    }
  };
});

bench(CYCLE, "FixedPool use(fn)", () => {
  const pool = fixedPool();
  return () => {
    for (let i = 0; i < INNER; i++) {
      tick = i;
      pool.use(touch);
    }
  };
});

// The contenders that make garbage come last.

bench(CYCLE, "new Particle()", () => {
  // Holds the last 64 results so they escape to the heap.
  const keep = Array.from({ length: 64 }, () => new Particle());
  return () => {
    for (let i = 0; i < INNER; i++) {
      const p = new Particle();
      p.x = i;
      keep[i & 63] = p; // escapes, so V8 cannot optimise the allocation away
    }
  };
});

bench(CYCLE, "FixedPool allocate() with using", () => {
  const pool = fixedPool();
  return () => {
    for (let i = 0; i < INNER; i++) {
      using h = pool.allocate();
      h.value.x = i;
    }
  };
});

// ---- sync burst ------------------------------------------------------------

const BURSTS = "sync burst";

bench(BURSTS, "bare array, 256 pops then 256 pushes (the limit)", () => {
  const bare = Array.from({ length: BURST }, () => new Particle());
  const held = bare.slice();
  return () => {
    for (let i = 0; i < BURST; i++) {
      const p = bare.pop()!;
      p.x = i;
      held[i] = p;
    }
    for (let i = 0; i < BURST; i++) bare.push(held[i]!);
  };
}, true);

bench(BURSTS, "reusify, 256 gets then 256 releases", () => {
  const linked = reusify(LinkedParticle);
  const held = Array.from({ length: BURST }, () => linked.get());
  // reusify allocates while its list is short: fill it to the burst first.
  for (let i = 0; i < BURST; i++) linked.release(held[i]!);
  return () => {
    for (let i = 0; i < BURST; i++) {
      const p = linked.get();
      p.x = i;
      held[i] = p;
    }
    for (let i = 0; i < BURST; i++) linked.release(held[i]!);
  };
});

bench(BURSTS, "FixedPool, 256 acquires then 256 releases", () => {
  const pool = new FixedPool(Particle, {
    capacity: BURST,
    preInitialize: true,
  });
  const held = Array.from({ length: BURST }, () => new Particle());
  return () => {
    for (let i = 0; i < BURST; i++) {
      const p = pool.acquire();
      p.x = i;
      held[i] = p;
    }
    for (let i = 0; i < BURST; i++) pool.release(held[i]!);
  };
});

bench(BURSTS, "GrowingPool, 256 acquires then 256 releases", () => {
  const pool = new GrowingPool(Particle, {
    capacity: BURST,
    preInitialize: true,
  });
  const held = Array.from({ length: BURST }, () => new Particle());
  return () => {
    for (let i = 0; i < BURST; i++) {
      const p = pool.acquire();
      p.x = i;
      held[i] = p;
    }
    for (let i = 0; i < BURST; i++) pool.release(held[i]!);
  };
});

bench(BURSTS, "new Particle() × 256, then dropped", () => {
  const held = Array.from({ length: BURST }, () => new Particle());
  return () => {
    for (let i = 0; i < BURST; i++) {
      const p = new Particle();
      p.x = i;
      held[i] = p;
    }
  };
});
