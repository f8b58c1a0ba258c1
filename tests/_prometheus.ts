/**
 * The Prometheus text-format parser the tests check `toOpenMetrics` with:
 * `parse-prometheus-text-format` from npm (a port of Prometheus' own
 * `prom2json`), typed here. Private to the tests.
 *
 * @module
 */

import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** One sample of a family, as the parser gives it. */
export interface ParsedSample {
  /** The value as written (the parser keeps the text). */
  readonly value: string;
  /** The labels, unescaped; absent when the sample has none. */
  readonly labels?: Record<string, string>;
}

/** One metric family, as the parser gives it. */
export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  /** Upper case: `COUNTER`, `GAUGE`, `UNTYPED` ... */
  readonly type: string;
  readonly metrics: ParsedSample[];
}

/** Parses a Prometheus text exposition; throws on a line it cannot read. */
export function parseExposition(text: string): ParsedFamily[] {
  return (parsePrometheusTextFormat as (text: string) => ParsedFamily[])(text);
}
