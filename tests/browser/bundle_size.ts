/**
 * Small bundles: the npm form (scripts/pack.sh) declares
 * `"sideEffects": false`, a program that imports one pool gets only that
 * pool (esbuild, minified, gzipped: FixedPool at most 8 KB), and no library
 * module has a top-level side effect a bundler must keep — checked on the
 * sources, where no package.json flag helps (Deno and JSR users bundle
 * those), and on the npm form's emitted modules, where deno's emit adds
 * hoisted `[Symbol.dispose]` keys (the one thing the flag has to cover), and
 * the README's table of sizes is checked against what is measured. Run by
 * `scripts/browser_test.sh` with `node --test`.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));
const LIMIT_GZIP_BYTES = 8 * 1024;

/** How every bundle here is made: one minified ESM file, in memory, quiet. */
const MINIFIED = {
  bundle: true,
  minify: true,
  format: "esm",
  write: false,
  logLevel: "error",
} as const;

/** Each public pool alone, as a program that imports only it would. */
const ALONE = [
  "FixedPool",
  "GrowingPool",
  "AsyncPool",
  "ThreadSafePool",
  "ThreadLocalPool",
] as const;

const work = await mkdtemp(join(tmpdir(), "fastalloc-bundle-"));
const tarball = join(work, "fastalloc.tgz");
execFileSync("bash", [join(root, "scripts/pack.sh"), tarball], {
  stdio: "inherit",
});
const installed = join(work, "node_modules/@fastalloc/fastalloc");
await mkdir(installed, { recursive: true });
execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
const manifest = JSON.parse(
  await readFile(join(installed, "package.json"), "utf8"),
);

/** Bundles `import { name } from "@fastalloc/fastalloc"` from the npm form. */
async function bundleAlone(
  name: string,
): Promise<{ text: string; min: number; gzip: number }> {
  const result = await esbuild.build({
    stdin: {
      contents:
        `import { ${name} } from "@fastalloc/fastalloc";\nglobalThis.used = ${name};\n`,
      resolveDir: work,
      loader: "js",
    },
    ...MINIFIED,
    platform: "browser",
  });
  const bytes = result.outputFiles[0]!.contents;
  return {
    text: result.outputFiles[0]!.text,
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
  };
}

const sizes: Record<string, { min: number; gzip: number; text: string }> = {};
for (const name of ALONE) sizes[name] = await bundleAlone(name);
console.log(
  "# bundle of one pool from the npm form (esbuild --bundle --minify, gzip -9):",
);
for (const name of ALONE) {
  const { min, gzip } = sizes[name]!;
  console.log(
    `#   ${name.padEnd(16)} ${(min / 1024).toFixed(1)} KB minified, ${
      (gzip / 1024).toFixed(1)
    } KB gzipped (${min} and ${gzip} bytes)`,
  );
}

/** The modules under `dir` ending in `ext` (not `.d.ts`), tests and tools left out. */
async function walkModules(dir: string, ext: string): Promise<string[]> {
  const skip = new Set([
    "tests",
    "bench",
    "examples",
    "npm_smoke",
    "scripts",
    "node_modules",
    ".tools",
    ".ci",
    ".git",
  ]);
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !entry.name.startsWith(".")) {
          await walk(join(at, entry.name));
        }
      } else if (entry.name.endsWith(ext) && !entry.name.endsWith(".d.ts")) {
        found.push(relative(dir, join(at, entry.name)));
      }
    }
  };
  await walk(dir);
  return found.sort();
}

/** A bundle's text without the imports and re-exports left external. */
function stripImports(text: string): string {
  return text
    .replace(/import\s*"[^"]*";/g, "")
    .replace(/import\s*\{[^}]*\}\s*from\s*"[^"]*";/g, "")
    .replace(/export\s*\*\s*from\s*"[^"]*";/g, "")
    .replace(/export\s*\{[^}]*\}\s*from\s*"[^"]*";/g, "")
    .trim();
}

/** What a bundler keeps of `import "module"` alone, the module's imports left out. */
async function keptOf(module: string): Promise<string> {
  const path = join(root, module);
  const result = await esbuild.build({
    stdin: {
      contents: `import ${JSON.stringify(path)};`,
      resolveDir: root,
      loader: "ts",
    },
    ...MINIFIED,
    plugins: [{
      name: "only-this-module",
      setup(build) {
        build.onResolve(
          { filter: /.*/ },
          (args) =>
            args.importer === "<stdin>"
              ? undefined
              : { path: args.path, external: true },
        );
      },
    }],
  });
  return stripImports(result.outputFiles[0]!.text);
}

const modules = await walkModules(root, ".ts");
// The mod.ts files only re-export (checked below); with their imports left
// out, esbuild would add its own re-export helper, which is no side effect
// of theirs.
const reexports = modules.filter((module) => module.endsWith("mod.ts"));
const kept: Record<string, string> = {};
for (const module of modules.filter((m) => !reexports.includes(m))) {
  const text = await keptOf(module);
  if (text !== "") kept[module] = text;
}

/**
 * deno's emit hoists each `[Symbol.dispose]`-like method key into a
 * top-level `_computedKey = Symbol.dispose;` (denoland/deno#30817), a
 * statement bundlers keep unless the package says `"sideEffects": false`.
 * Put back where it came from, the emitted module must hold nothing else a
 * bundler keeps.
 */
function unhoist(js: string): { text: string; hoisted: number } {
  const keys = new Map<string, string>();
  const text = js.replace(
    /^(_computedKey\d*) = (Symbol\.(?:dispose|asyncDispose));$/gm,
    (_, name: string, key: string) => {
      keys.set(name, key);
      return "";
    },
  ).replace(
    /\[(_computedKey\d*)\]/g,
    (found, name: string) =>
      keys.get(name) === undefined ? found : `[${keys.get(name)}]`,
  );
  return { text, hoisted: keys.size };
}

/** What a bundler keeps of one module of the npm form, its hoisted keys put back. */
async function keptOfEmitted(
  file: string,
): Promise<{ kept: string; hoisted: number }> {
  let hoisted = 0;
  const result = await esbuild.build({
    stdin: { contents: `import ${JSON.stringify(file)};`, resolveDir: work },
    ...MINIFIED,
    plugins: [{
      name: "only-this-module-unhoisted",
      setup(build) {
        // The module itself as if no flag covered it (the package's
        // "sideEffects": false would let esbuild drop it unread).
        build.onResolve(
          { filter: /.*/ },
          (args) =>
            args.importer === "<stdin>"
              ? { path: args.path, sideEffects: true }
              : { path: args.path, external: true },
        );
        build.onLoad({ filter: /\.js$/ }, async (args) => {
          const unhoisted = unhoist(await readFile(args.path, "utf8"));
          hoisted = unhoisted.hoisted;
          return { contents: unhoisted.text, loader: "js" };
        });
      },
    }],
  });
  return { kept: stripImports(result.outputFiles[0]!.text), hoisted };
}

const emitted = (await walkModules(installed, ".js")).filter((module) =>
  !module.endsWith("mod.js")
);
const keptEmitted: Record<string, string> = {};
let hoistedKeys = 0;
for (const module of emitted) {
  const { kept, hoisted } = await keptOfEmitted(join(installed, module));
  hoistedKeys += hoisted;
  if (kept !== "") keptEmitted[module] = kept;
}
await rm(work, { recursive: true, force: true });
console.log(
  `# modules with top-level side effects: ${
    Object.keys(kept).join(", ") || "none"
  }`,
);

describe("npm form", () => {
  it('declares "sideEffects": false', () => {
    assert.equal(manifest.sideEffects, false);
  });
});

describe("one pool alone, bundled and minified", () => {
  it(`FixedPool alone is at most ${LIMIT_GZIP_BYTES} bytes gzipped`, () => {
    const { gzip, min } = sizes.FixedPool!;
    assert.ok(
      gzip <= LIMIT_GZIP_BYTES,
      `FixedPool alone: ${gzip} bytes gzipped (${min} minified)`,
    );
  });
  for (const name of ALONE) {
    it(`${name} alone leaves the other pools out`, () => {
      const others = ALONE.filter((other) => other !== name);
      assert.ok(
        sizes[name]!.text.includes(name),
        `${name}'s bundle names it (its messages do)`,
      );
      // Each pool's messages name it, so its name in another's bundle means its code came along.
      const present = others.filter((other) =>
        sizes[name]!.text.includes(other)
      );
      assert.deepEqual(
        present,
        [],
        `${name}'s bundle carries code of ${present.join(", ")}`,
      );
    });
  }
});

describe("README", () => {
  it("gives each pool's size alone as measured here (within 5%)", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    for (const name of ALONE) {
      const row = new RegExp(
        `^\\| \`${name}\` +\\| +([\\d.]+) KB \\| +([\\d.]+) KB \\|$`,
        "m",
      ).exec(readme);
      assert.ok(row, `README's bundle-size table has no row for ${name}`);
      const { min, gzip } = sizes[name]!;
      for (
        const [what, written, measured] of [
          ["minified", Number(row[1]), min / 1024],
          ["gzipped", Number(row[2]), gzip / 1024],
        ] as const
      ) {
        assert.ok(
          Math.abs(written - measured) <= measured * 0.05,
          `README gives ${name} ${written} KB ${what}, measured ${
            measured.toFixed(1)
          } KB: update the table`,
        );
      }
    }
  });
});

/** Fails naming each module a bundle of nothing kept, and what it kept. */
function assertNothingKept(kept: Record<string, string>): void {
  const unexpected = Object.keys(kept);
  assert.deepEqual(
    unexpected,
    [],
    unexpected.map((module) =>
      `${module} keeps: ${kept[module]!.slice(0, 300)}`
    ).join("\n"),
  );
}

describe("no top-level side effects in the sources", () => {
  it("finds the library's modules", () => {
    assert.ok(
      modules.includes("mod.ts") && modules.includes("pools/fixed_pool.ts"),
      modules.join(),
    );
  });
  it("mod.ts files hold nothing but re-exports", async () => {
    for (const module of reexports) {
      const code = (await readFile(join(root, module), "utf8"))
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      const statements = code.split(";").map((s) => s.trim()).filter((s) =>
        s !== ""
      );
      const other = statements.filter((s) =>
        !/^export\s[\s\S]*\sfrom\s+"[^"]+"$/.test(s)
      );
      assert.deepEqual(other, [], `${module} has more than re-exports`);
    }
  });
  it("the npm form's modules too, but for deno's hoisted [Symbol.dispose] keys that the flag covers", () => {
    assert.ok(emitted.includes("pools/fixed_pool.js"), emitted.join());
    // The hoisting this test undoes is still there (else drop unhoist and the README's note).
    assert.ok(hoistedKeys > 0, "no hoisted computed key found");
    assertNothingKept(keptEmitted);
  });
  it("every module is dropped whole when nothing of it is used", () => {
    assertNothingKept(kept);
  });
});
