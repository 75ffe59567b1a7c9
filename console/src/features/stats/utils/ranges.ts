import type { components } from "@/api/schema";

export type Granularity = components["schemas"]["Granularity"];
export type StatsBucket = components["schemas"]["StatsBucket"];

interface RangeEntry {
  label: string;
  granularity: Granularity;
  hours: number;
}

/** The windows the console charts: a Record, so each one says its bucket size and length. */
export const RANGES = {
  "1h": { label: "1 hour", granularity: "minute", hours: 1 },
  "24h": { label: "24 hours", granularity: "hour", hours: 24 },
  "7d": { label: "7 days", granularity: "hour", hours: 24 * 7 },
} as const satisfies Record<string, RangeEntry>;

export type StatsRange = keyof typeof RANGES;
export const STATS_RANGES = Object.keys(RANGES) as StatsRange[];
export const DEFAULT_RANGE: StatsRange = "24h";

export function isStatsRange(value: string | null): value is StatsRange {
  return STATS_RANGES.some((range) => range === value);
}

/** The query for a range ending now: the API fills the buckets up to now itself. */
export function windowOf(range: StatsRange, now: Date = new Date()): { granularity: Granularity; since: string } {
  const { granularity, hours } = RANGES[range];
  return { granularity, since: new Date(now.getTime() - hours * 3_600_000).toISOString() };
}

export type Totals = Pick<StatsBucket, "ingested" | "delivered" | "failed" | "acknowledged" | "attempts">;

export function totalsOf(buckets: readonly StatsBucket[]): Totals {
  const totals: Totals = { ingested: 0, delivered: 0, failed: 0, acknowledged: 0, attempts: 0 };
  for (const bucket of buckets) {
    totals.ingested += bucket.ingested;
    totals.delivered += bucket.delivered;
    totals.failed += bucket.failed;
    totals.acknowledged += bucket.acknowledged;
    totals.attempts += bucket.attempts;
  }
  return totals;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayAndClock = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });

/** A bucket's start on a time axis: the clock within a day, the weekday too over a week. */
export function axisLabel(start: string, range: StatsRange): string {
  return (range === "7d" ? dayAndClock : clock).format(new Date(start));
}
