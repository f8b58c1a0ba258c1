import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ALLOCATION_NS,
  ALLOCATIONS,
  CAPACITY,
  COUNTS,
  foldRow,
  IN_USE,
  LATE_WORDS,
  PEAK_CAPACITY,
  PEAK_IN_USE,
  RELEASES,
  ROW,
  RowRecorder,
  rowStats,
  TIMED_ALLOCATIONS,
  WAIT_NS,
  WAITS,
} from "../stats/_counter_rows.ts";

describe("counter rows (stats/_counter_rows.ts)", () => {
  it("keeps every field in a row and a whole number of cache lines per row", () => {
    assert.ok(PEAK_CAPACITY < ROW);
    assert.equal((ROW * 8) % 64, 0);
    assert.ok(COUNTS <= LATE_WORDS);
    assert.equal((LATE_WORDS * 4) % 64, 0);
  });

  it("totals rows: sums, maxima for peaks, means from the timed sums", () => {
    const rows = new Float64Array(3 * ROW);
    rows[ALLOCATIONS] = 10;
    rows[RELEASES] = 9;
    rows[IN_USE] = 1;
    rows[CAPACITY] = 4;
    rows[PEAK_IN_USE] = 3;
    rows[PEAK_CAPACITY] = 4;
    rows[ALLOCATION_NS] = 300;
    rows[TIMED_ALLOCATIONS] = 1;
    rows[ROW + ALLOCATIONS] = 30;
    rows[ROW + RELEASES] = 28;
    rows[ROW + IN_USE] = 2;
    rows[ROW + CAPACITY] = 4;
    rows[ROW + PEAK_IN_USE] = 2;
    rows[ROW + PEAK_CAPACITY] = 6;
    rows[ROW + ALLOCATION_NS] = 100;
    rows[ROW + TIMED_ALLOCATIONS] = 3;
    rows[2 * ROW + ALLOCATIONS] = 1000; // not listed below
    const stats = rowStats(rows, { bases: [0, ROW] });
    assert.equal(stats.enabled, true);
    assert.equal(stats.totalAllocations, 40);
    assert.equal(stats.totalReleases, 37);
    assert.equal(stats.currentInUse, 3);
    assert.equal(stats.currentCapacity, 8);
    assert.equal(stats.peakInUse, 3);
    assert.equal(stats.peakCapacity, 6);
    assert.equal(stats.avgAllocationTimeNs, 100);
    assert.equal(stats.totalAllocationTimeNs, 4000);
    assert.ok(Object.isFrozen(stats));
    assert.equal(rowStats(rows).totalAllocations, 1040, "every row by default");
  });

  it("keeps only current values when statistics are off", () => {
    const rows = new Float64Array(2 * ROW);
    rows[ALLOCATIONS] = 5;
    rows[IN_USE] = 1;
    rows[CAPACITY] = 2;
    rows[ROW + IN_USE] = 2;
    rows[ROW + CAPACITY] = 2;
    const stats = rowStats(rows, { enabled: false });
    assert.equal(stats.enabled, false);
    assert.equal(stats.totalAllocations, 0);
    assert.equal(stats.currentInUse, 3);
    assert.equal(stats.currentCapacity, 4);
  });

  it("adds the late row and derives releases from an outside in-use count", () => {
    const rows = new Float64Array(ROW);
    rows[ALLOCATIONS] = 7;
    rows[WAITS] = 1;
    const late = new Int32Array(new SharedArrayBuffer(LATE_WORDS * 4));
    late[ALLOCATIONS] = 3;
    late[WAITS] = 2;
    const stats = rowStats(rows, {
      late,
      inUse: 4,
      capacity: 8,
      peakInUse: 5,
    });
    assert.equal(stats.totalAllocations, 10);
    assert.equal(stats.totalReleases, 6);
    assert.equal(stats.currentInUse, 4);
    assert.equal(stats.currentCapacity, 8);
    assert.equal(stats.peakCapacity, 8);
    assert.equal(stats.peakInUse, 5);
    assert.equal(stats.waits, 3);
  });

  it("records into its row, raises the peak from the mirrored in-use count, and counts late once detached", () => {
    const rows = new Float64Array(2 * ROW);
    const late = new Int32Array(LATE_WORDS);
    const recorder = new RowRecorder(rows, ROW, {
      timing: true,
      sampleRate: 0.5,
      late,
    });
    rows[ROW + IN_USE] = 2;
    recorder.recordAllocation();
    recorder.recordWait(50);
    recorder.recordCapacity(9);
    assert.deepEqual(
      [0, 1].map(() => [recorder.sampleAllocation(), recorder.sampleRelease()]),
      [[false, false], [true, true]],
      "one in round(1 / sampleRate) sampled, each kind on its own countdown",
    );
    assert.equal(rows[ROW + ALLOCATIONS], 1);
    assert.equal(rows[ROW + PEAK_IN_USE], 2);
    assert.equal(rows[ROW + WAIT_NS], 50);
    assert.equal(rows[ROW + PEAK_CAPACITY], 9);
    assert.equal(rows[ALLOCATIONS], 0, "the other row is untouched");
    recorder.moveTo(-1);
    assert.equal(recorder.base, -1);
    recorder.recordAllocation();
    recorder.recordAllocationTime(80);
    recorder.recordWait(10);
    assert.equal(late[ALLOCATIONS], 1);
    assert.equal(late[WAITS], 1);
    assert.equal(rows[ROW + ALLOCATIONS], 1);
    assert.equal(rows[ROW + ALLOCATION_NS], 0, "timings are not kept late");
    assert.equal(rows[ROW + WAIT_NS], 50);
  });

  it("folds a leaving row into a totals row and clears it", () => {
    const rows = new Float64Array(2 * ROW);
    rows[ALLOCATIONS] = 4;
    rows[IN_USE] = 1;
    rows[CAPACITY] = 3;
    rows[PEAK_IN_USE] = 2;
    rows[PEAK_CAPACITY] = 3;
    rows[ROW + ALLOCATIONS] = 6;
    rows[ROW + PEAK_IN_USE] = 5;
    foldRow(rows, 0, ROW);
    assert.equal(rows[ROW + ALLOCATIONS], 10);
    assert.equal(rows[ROW + PEAK_IN_USE], 5);
    assert.equal(rows[ROW + PEAK_CAPACITY], 3);
    assert.equal(rows[ROW + IN_USE], 0, "current values are not carried");
    assert.equal(rows[ROW + CAPACITY], 0);
    assert.deepEqual([...rows.subarray(0, ROW)], new Array(ROW).fill(0));
  });
});
