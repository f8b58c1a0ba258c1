/**
 * Writes the "Bad inputs" section of `tests/README.md` from the table itself
 * (`badInputs()` in `tests/_bad_inputs.ts`), so the list a reader sees is
 * exactly what `bad_input_test.ts` tries. `--check` exits 1 when the file is
 * out of date instead of writing it (the test suite runs that check).
 *
 *     deno run -A scripts/bad_inputs_table.ts          # rewrite the section
 *     deno run -A scripts/bad_inputs_table.ts --check  # verify it
 *
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import { badInputs } from "../tests/_bad_inputs.ts";

const README = new URL("../tests/README.md", import.meta.url);
const HEADING = "## Bad inputs (`bad_input_test.ts`)";

/** Shortens the one long error name the summary repeats everywhere. */
function short(name: string): string {
  return name === "PoolConfigurationError" ? "PCE" : name;
}

/** A Markdown table with padded columns (as `deno fmt` would leave it). */
function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = head.map((h, i) =>
    Math.max(3, h.length, ...rows.map((r) => r[i]!.length))
  );
  const line = (cells: readonly string[]): string =>
    `| ${
      cells.map((c, i) =>
        right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)
      ).join(" | ")
    } |`;
  const rule = `| ${
    widths.map((w, i) => right.has(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))
      .join(" | ")
  } |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The whole generated section, heading included. */
export function badInputsSection(): string {
  const rows = badInputs();
  const byTarget = new Map<string, { count: number; errors: Set<string> }>();
  for (const row of rows) {
    const entry = byTarget.get(row.target) ??
      { count: 0, errors: new Set<string>() };
    entry.count++;
    entry.errors.add(short(row.name));
    byTarget.set(row.target, entry);
  }
  const summary = table(
    ["function", "bad inputs", "expected errors"],
    [...byTarget].map(([target, { count, errors }]) => [
      `\`${target}\``,
      String(count),
      [...errors].sort().join(", "),
    ]),
    new Set([1]),
  );
  const every = table(
    ["function", "input", "expected error"],
    rows.map((row) => [
      `\`${row.target}\``,
      `\`${cell(row.input)}\``,
      row.name,
    ]),
  );
  return `${HEADING}

**${rows.length} bad inputs** over ${byTarget.size} functions, constructors and
methods. The test asserts this exact number (\`EXPECTED_BAD_INPUTS\`), so the
table cannot shrink silently, and prints it. Each input must be answered with
the error below, of exactly that class, with a message in the std style
(sentence case, no trailing period) that shows the bad value as code would
write it (missing and conflicting settings have no value to show), and must
leave the pool (or collector, or container) it was called on unchanged
(\`stateOf\` from \`_state.ts\`). Async APIs must reject rather than throw.

This section is generated from \`badInputs()\` in \`_bad_inputs.ts\` by
\`deno run -A scripts/bad_inputs_table.ts\`; the suite checks it is up to date.
\`PCE\` is \`PoolConfigurationError\`.

### Summary

${summary}

### Every input

${every}
`;
}

/** The README with its bad-input section replaced (it is the last section). */
export function withSection(readme: string): string {
  const at = readme.indexOf(HEADING);
  const before = at < 0 ? `${readme.trimEnd()}\n\n` : readme.slice(0, at);
  return before + badInputsSection();
}

/** `text` as `deno fmt` leaves a Markdown file (the README is formatted). */
function formatted(text: string): string {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/README.md`;
  try {
    writeFileSync(file, text);
    const { success } = new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", file],
    }).outputSync();
    if (!success) {
      throw new Error("Cannot format tests/README.md: deno fmt failed");
    }
    return readFileSync(file, "utf8");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const current = readFileSync(README, "utf8");
  const next = formatted(withSection(current));
  if (Deno.args.includes("--check")) {
    if (next !== current) {
      console.error(
        "tests/README.md is out of date: run deno run -A scripts/bad_inputs_table.ts",
      );
      Deno.exit(1);
    }
  } else {
    writeFileSync(README, next);
  }
}
