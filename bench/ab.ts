/**
 * Paired A/B of two or more copies of the library in ONE process: each
 * round times bare arrays and then every tree's pools on the same loop body,
 * and reports per tree the p25 and median over rounds of its time over bare
 * arrays' time in that round. The machine this project measures on swings
 * between a fast and a slow state (bare arrays 3 against 5 ns) from one
 * process to the next, and within a process; a ratio taken within one round
 * cancels most of that, and is what decided the hot-path changes of the
 * last sessions (a 2–4% difference shows in two runs of 201 rounds).
 *
 *     git worktree add /tmp/before HEAD~1
 *     TREES=before:/tmp/before,after:. KIND=obj K=1 \
 *       deno run -A bench/ab.ts        # or node / bun bench/ab.ts
 *
 * `KIND`: `obj` (acquire + release), `key` (acquireKey + objectOf +
 * releaseKey) or `use` (`use(fn)`); `K`: pooled classes, each driven from
 * its own loop function; `ROUNDS` (default 201). List the trees in both
 * orders across runs: the later one in a round can be favoured.
 *
 * @module
 */

declare const Deno: { env: { toObject(): Record<string, string> } } | undefined;
declare const process: { env: Record<string, string | undefined> } | undefined;

type Pool = {
  acquire(): { x: number };
  release(o: unknown): void;
};
type PoolClass = new (
  type: new () => object,
  options: { capacity: number; preInitialize?: boolean },
) => Pool;

const env: Record<string, string | undefined> = typeof Deno !== "undefined"
  ? Deno.env.toObject()
  : process!.env;
const INNER = 1000;
const CAPACITY = 64;
const KIND = env.KIND ?? "obj";
const K = Number(env.K ?? 1);
const ROUNDS = Number(env.ROUNDS ?? 201);
const BODIES: Record<string, string> = {
  bare: "const o = s.pop(); o.x = i; s.push(o);",
  obj: "const o = s.acquire(); o.x = i; s.release(o);",
  key: "const k = s.acquireKey(); s.objectOf(k).x = i; s.releaseKey(k);",
  use: "s.use(touch);",
};
if (BODIES[KIND] === undefined) throw new Error(`Unknown KIND "${KIND}"`);

const trees: [string, PoolClass][] = [];
for (const entry of (env.TREES ?? "here:.").split(",")) {
  const [name, path] = entry.split(":");
  const url = new URL(`${path}/mod.ts`, `file://${cwd()}/`).href;
  trees.push([name!, (await import(url)).FixedPool as PoolClass]);
}

/** The working directory, on any runtime. */
function cwd(): string {
  return (globalThis as unknown as { process?: { cwd(): string } }).process
    ?.cwd() ??
    (globalThis as unknown as { Deno: { cwd(): string } }).Deno.cwd();
}

let serial = 0;
/** A loop function of its own (unique source: its own feedback). */
function loopOf(body: string): (s: unknown) => void {
  return new Function(
    `let tick = 0; function touch(o) { o.x = tick++; } return function loop(s) { for (let i = 0; i < ${INNER}; i++) { ${body} } } // ${++serial}`,
  )();
}

const classes = Array.from(
  { length: K },
  (_, i) =>
    new Function(
      `return class C${i} { x = 0; y = 0; z = 0; vz = ${i}; }`,
    )() as new () => { x: number },
);
const scenarios: { name: string; run: () => void }[] = [];
function add(name: string, things: unknown[], body: string): void {
  const loops = things.map(() => loopOf(body));
  scenarios.push({
    name,
    run: () => {
      for (let j = 0; j < K; j++) loops[j]!(things[j]);
    },
  });
}
add(
  "bare",
  classes.map((C) => Array.from({ length: CAPACITY }, () => new C())),
  BODIES.bare!,
);
for (const [name, P] of trees) {
  const pools = classes.map((C) =>
    new P(C, { capacity: CAPACITY, preInitialize: true })
  );
  add(name, pools, BODIES[KIND]!);
  // Other pools exist and have been used (the "pools coexisting" condition).
  for (const C of classes) {
    const other = new P(C, { capacity: 8 });
    other.release(other.acquire());
  }
}

function time(s: { run: () => void }, repeat: number): number {
  const t0 = performance.now();
  for (let r = 0; r < repeat; r++) s.run();
  return ((performance.now() - t0) * 1e6) / (repeat * INNER * K);
}

for (let w = 0; w < 5; w++) for (const s of scenarios) time(s, 300);
const ratios: number[][] = scenarios.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const t = scenarios.map((s) => time(s, Math.max(2, 8 / K)));
  for (let i = 1; i < scenarios.length; i++) ratios[i]!.push(t[i]! / t[0]!);
}
function quantile(xs: number[], q: number): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;
}
console.log(
  `${KIND}, K = ${K}, ${ROUNDS} rounds; x bare arrays, p25 / median: ` +
    scenarios.slice(1).map((s, i) =>
      `${s.name} ${quantile(ratios[i + 1]!, 0.25).toFixed(3)} / ${
        quantile(ratios[i + 1]!, 0.5).toFixed(3)
      }`
    ).join(", "),
);
