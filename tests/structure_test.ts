/**
 * The shape of the library (issue 15, issue 12): every library module —
 * each `.ts` file outside tests/, bench/, examples/, scripts/, npm_smoke/,
 * .ci/ and docs/ — is at most 700 lines, starts with a module doc, and no two
 * library modules import each other round a cycle (`import type` and
 * `export … from` count: a type import still makes a newcomer read the other
 * file first). Reads the files with `node:fs`, so it runs the same on every
 * runtime.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is in tests/). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Top-level folders that are not the library. */
const NOT_LIBRARY = new Set([
  "tests",
  "bench",
  "examples",
  "scripts",
  "npm_smoke",
  "npm_pack",
  "docs",
  "node_modules",
]);

/** The most lines a library module may have. */
const MAX_LINES = 700;

/** Every library module, as a path relative to the root with `/` separators. */
function libraryFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const name = entry.name;
      // Dot folders (.git, .tools, .ci) and the ignored node_modules are not source.
      if (name.startsWith(".") || name === "node_modules") continue;
      if (entry.isDirectory()) {
        if (top && NOT_LIBRARY.has(name)) continue;
        walk(join(dir, name), false);
      } else if (entry.isFile() && name.endsWith(".ts")) {
        found.push(relative(ROOT, join(dir, name)).split(sep).join("/"));
      }
    }
  };
  walk(ROOT, true);
  return found.sort();
}

/** Source with comments replaced by spaces (strings kept), so commented-out or JSDoc imports do not count. */
function stripComments(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g,
    (match) => match.startsWith("/") ? match.replace(/[^\n]/g, " ") : match,
  );
}

/**
 * Every relative module a source file names in a static `import`,
 * `import type`, `export … from` or `export type … from` statement, or a
 * dynamic `import("…")`.
 */
function importedSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const specifiers: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?[\w\s{},*$]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) specifiers.push(match[1]!);
  }
  return specifiers.filter((s) => s.startsWith("."));
}

/** The import graph among the given library files: file → the library files it imports. */
function importGraph(
  files: readonly string[],
  read: (file: string) => string,
): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const specifier of importedSpecifiers(read(file))) {
      const target = normalize(join(dirname(file), specifier)).split(sep)
        .join("/");
      if (known.has(target) && !targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The import cycles a depth-first search finds: one for every import that
 * leads back to a file still on the search path, as the list of files round
 * it (first file repeated at the end). Empty when the graph has no cycle.
 */
function findCycles(graph: ReadonlyMap<string, string[]>): string[][] {
  const DONE = 2, ON_PATH = 1;
  const state = new Map<string, number>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, ON_PATH);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const seen = state.get(next);
      if (seen === ON_PATH) {
        cycles.push([...path.slice(path.indexOf(next)), next]);
      } else if (seen === undefined) visit(next);
    }
    path.pop();
    state.set(file, DONE);
  };
  for (const file of graph.keys()) {
    if (state.get(file) === undefined) visit(file);
  }
  return cycles;
}

/** How many lines a file has (a last line without a newline counts). */
function lineCount(source: string): number {
  const newlines = source.split("\n").length - 1;
  return source.endsWith("\n") || source === "" ? newlines : newlines + 1;
}

const readSource = (file: string): string =>
  readFileSync(join(ROOT, file), "utf8");

describe("library structure", () => {
  const files = libraryFiles();

  it("finds the library modules (and no test, bench or example file)", () => {
    assert.ok(files.includes("mod.ts"));
    assert.ok(files.includes("pools/builder.ts"));
    assert.ok(files.includes("errors.ts"));
    assert.ok(files.length > 40, `only ${files.length} library files found`);
    for (const file of files) {
      assert.ok(!NOT_LIBRARY.has(file.split("/")[0]!), file);
    }
  });

  it(`keeps every library module at most ${MAX_LINES} lines`, () => {
    const tooLong = files
      .map((file) => ({ file, lines: lineCount(readSource(file)) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    assert.deepEqual(
      tooLong,
      [],
      `over ${MAX_LINES} lines:\n${tooLong.join("\n")}`,
    );
  });

  it("starts every library module with a module doc", () => {
    const undocumented = files.filter((file) => {
      const source = readSource(file);
      // The first thing in the file is a JSDoc comment that has @module.
      const first = /^\s*(\/\*\*[\s\S]*?\*\/)/.exec(source);
      return first === null || !first[1]!.includes("@module");
    });
    assert.deepEqual(undocumented, [], "no module doc first");
  });

  it("has no import cycle among library modules (type imports included)", () => {
    const cycles = findCycles(importGraph(files, readSource));
    assert.deepEqual(
      cycles,
      [],
      `import cycles:\n${cycles.map((c) => c.join(" -> ")).join("\n")}`,
    );
  });

  it("the cycle search finds a cycle through type imports and re-exports", () => {
    const sources: Record<string, string> = {
      "a.ts": '/** a @module */\nimport type { B } from "./b.ts";\n',
      "b.ts": '/** b @module */\nexport { C } from "./sub/c.ts";\n',
      "sub/c.ts":
        '/** c\n * import { A } from "../a.ts"; (a doc example, not an import)\n * @module */\nimport {\n  type A,\n} from "../a.ts";\n',
      "d.ts": '// import { A } from "./a.ts";\nexport const d = 1;\n',
    };
    const read = (file: string): string => sources[file]!;
    const graph = importGraph(Object.keys(sources), read);
    assert.deepEqual(graph.get("d.ts"), []);
    assert.deepEqual(findCycles(graph), [["a.ts", "b.ts", "sub/c.ts", "a.ts"]]);
    sources["sub/c.ts"] = "/** c @module */\nexport const c = 1;\n";
    assert.deepEqual(findCycles(importGraph(Object.keys(sources), read)), []);
  });
});
