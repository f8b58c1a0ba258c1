/**
 * The no-codegen path (issue 10): where code generation from strings is
 * forbidden (CSP without 'unsafe-eval', `--disallow-code-generation-from-strings`),
 * the sync pools use the shared copy of their fast functions and behave
 * exactly the same. A child process runs the same checks with code
 * generation forbidden — by V8's own flag on Deno and Node, and on Bun (whose
 * engine has no such flag) by a `Function` constructor that throws
 * `EvalError` as a CSP does — and once allowed, and reports which path ran.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runModule, runtime } from "./_child.ts";

const lib = new URL("../mod.ts", import.meta.url).href;
const fastOps = new URL("../pools/_fast_ops.ts", import.meta.url).href;

/** The child: forbids code generation (when asked), then checks every sync pool. */
function script(forbid: boolean, rewrite = false): string {
  return `
${
    forbid && runtime() === "bun"
      ? `globalThis.Function = function Function() { throw new EvalError("Code generation from strings disallowed for this context"); };`
      : ""
  }
${
    // A tool that rewrites function sources (coverage counters naming its
    // own module variables): the compiled copy would throw when run.
    rewrite
      ? `const toString = Function.prototype.toString;
Function.prototype.toString = function () {
  const text = toString.call(this);
  return this.name === "fastOps" ? text.replace(/function acquire\\(\\)\\s*{/, "function acquire() { __cov__.s[0]++;") : text;
};`
      : ""}
const { FixedPool, GrowingPool, ThreadLocalPool, AlreadyReleasedError, ForeignObjectError, PoolEmptyError } = await import(${
    JSON.stringify(lib)
  });
const { generatesCode } = await import(${JSON.stringify(fastOps)});
const fail = (what) => { console.log("FAIL " + what); process.exitCode = 1; };
const throwsAs = (fn, type, what) => {
  try { fn(); } catch (e) { if (e instanceof type) return; fail(what + ": " + e); return; }
  fail(what + ": nothing thrown");
};
let codegenSeen = "unknown";
try { new Function("return 1"); codegenSeen = "allowed"; } catch (e) { codegenSeen = e.name; }
const kinds = [FixedPool, GrowingPool, ThreadLocalPool];
let checks = 0;
for (const Kind of kinds) {
  for (let c = 0; c < 8; c++) {
    const C = class { x = 0; y = c; };
    for (const allocator of ["stack", "freelist", "deque"]) {
      const pool = new Kind(C, { capacity: 2, allocator, enableStatistics: c % 2 === 0, ...(Kind === GrowingPool ? { maxCapacity: 2 } : {}) });
      const a = pool.acquire();
      const b = pool.tryAcquire();
      if (pool.tryAcquire() !== undefined) fail("tryAcquire on a full pool");
      throwsAs(() => pool.acquire(), PoolEmptyError, "full");
      pool.release(a);
      throwsAs(() => pool.release(a), AlreadyReleasedError, "double release");
      throwsAs(() => pool.release(Object.create(b)), ForeignObjectError, "Object.create");
      throwsAs(() => pool.release(new Proxy(b, {})), ForeignObjectError, "Proxy");
      pool.release(b);
      const order = allocator === "deque" ? a : b;
      if (pool.acquire() !== order) fail("allocator order " + allocator);
      pool.release(order);
      const r = pool.use((o) => { o.x = 5; return o.x; });
      if (r !== 5 || pool.inUse !== 0) fail("use");
      const key = pool.acquireKey();
      pool.objectOf(key).x = 1;
      pool.releaseKey(key);
      throwsAs(() => pool.releaseKey(key), AlreadyReleasedError, "stale key");
      throwsAs(() => pool.objectOf(-1), ForeignObjectError, "never issued");
      const d = pool.acquire();
      pool.discard(d);
      if (pool.inUse !== 0) fail("discard");
      if (c % 2 === 0 && pool.stats().totalAllocations !== 6) fail("stats " + pool.stats().totalAllocations);
      pool.close();
      checks++;
    }
  }
}
console.log("codegen=" + generatesCode() + " Function=" + codegenSeen + " checks=" + checks);
`;
}

describe("sync pools without code generation", () => {
  it("forbidden: the shared fast functions run, with the same behaviour", async () => {
    const { code, output } = await runModule(script(true), {
      v8Flags: ["--disallow-code-generation-from-strings"],
    });
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /FAIL/);
    assert.match(output, /codegen=false Function=EvalError checks=72/);
  });

  it("a rewritten source that fails its probe: the shared functions run instead", async () => {
    const { code, output } = await runModule(script(false, true));
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /FAIL/);
    assert.match(output, /codegen=false Function=allowed checks=72/);
  });

  it("allowed: each pool compiles its own, with the same behaviour", async () => {
    const { code, output } = await runModule(script(false));
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /FAIL/);
    assert.match(output, /codegen=true Function=allowed checks=72/);
  });
});
