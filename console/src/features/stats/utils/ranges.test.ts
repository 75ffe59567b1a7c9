import { describe, expect, it } from "vitest";

import { isStatsRange, totalsOf, windowOf, type StatsBucket } from "./ranges";

const bucket = (start: string, counts: Partial<StatsBucket>): StatsBucket => ({
  start,
  ingested: 0,
  delivered: 0,
  failed: 0,
  acknowledged: 0,
  attempts: 0,
  latency_ms: { p50: null, p95: null },
  ...counts,
});

describe("windowOf", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("asks for minutes over an hour and hours over a day or a week", () => {
    expect(windowOf("1h", now)).toEqual({ granularity: "minute", since: "2026-03-01T11:00:00.000Z" });
    expect(windowOf("24h", now)).toEqual({ granularity: "hour", since: "2026-02-28T12:00:00.000Z" });
    expect(windowOf("7d", now)).toEqual({ granularity: "hour", since: "2026-02-22T12:00:00.000Z" });
  });
});

it("adds up the buckets", () => {
  const totals = totalsOf([
    bucket("2026-03-01T10:00:00Z", { ingested: 3, delivered: 2, attempts: 4, failed: 1 }),
    bucket("2026-03-01T11:00:00Z", { ingested: 5, acknowledged: 2, attempts: 1 }),
  ]);
  expect(totals).toEqual({ ingested: 8, delivered: 2, failed: 1, acknowledged: 2, attempts: 5 });
  expect(totalsOf([])).toEqual({ ingested: 0, delivered: 0, failed: 0, acknowledged: 0, attempts: 0 });
});

it("knows its ranges", () => {
  expect(isStatsRange("7d")).toBe(true);
  expect(isStatsRange("30d")).toBe(false);
  expect(isStatsRange(null)).toBe(false);
});
