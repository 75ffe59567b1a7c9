import { lazy, Suspense } from "react";

import { formatDateTime } from "@/lib/format";

import type { StatsBucket, StatsRange } from "../utils/ranges";

// One chunk holds Recharts and the three charts; it is fetched the first time a chart is shown.
const CHARTS = {
  activity: lazy(async () => ({ default: (await import("./stats-charts")).ActivityChart })),
  attempts: lazy(async () => ({ default: (await import("./stats-charts")).AttemptsChart })),
  latency: lazy(async () => ({ default: (await import("./stats-charts")).LatencyChart })),
};

export type ChartKind = keyof typeof CHARTS;

type Column = [label: string, value: (bucket: StatsBucket) => number | null];

/** What each chart plots, as the columns of the table that says the same in words. */
const COLUMNS: Record<ChartKind, Column[]> = {
  activity: [
    ["Ingested", (bucket) => bucket.ingested],
    ["Delivered", (bucket) => bucket.delivered],
    ["Acknowledged", (bucket) => bucket.acknowledged],
    ["Failed", (bucket) => bucket.failed],
  ],
  attempts: [["Attempts", (bucket) => bucket.attempts]],
  latency: [
    ["p50 (ms)", (bucket) => bucket.latency_ms.p50],
    ["p95 (ms)", (bucket) => bucket.latency_ms.p95],
  ],
};

export interface StatsChartProps {
  kind: ChartKind;
  /** What the chart shows, for screen readers and the table's caption. */
  label: string;
  /** Shown above the chart; leave it out where a heading already says what it is. */
  caption?: string;
  buckets: StatsBucket[];
  range: StatsRange;
  /** A Tailwind height class for the plot. */
  height?: string;
}

/** A chart of the buckets, and the same numbers as a table for whoever cannot see the chart. */
export function StatsChart({ kind, label, caption, buckets, range, height = "h-64" }: StatsChartProps) {
  const Chart = CHARTS[kind];
  return (
    <figure aria-label={label} className="min-w-0 space-y-2">
      {caption !== undefined && <figcaption className="text-sm font-semibold text-slate-900">{caption}</figcaption>}
      <div className={height}>
        <Suspense
          fallback={
            <div className="flex h-full items-center justify-center rounded-md bg-slate-50 text-sm text-slate-600" role="status">
              Loading the chart…
            </div>
          }
        >
          <Chart buckets={buckets} range={range} />
        </Suspense>
      </div>
      <BucketTable label={label} columns={COLUMNS[kind]} buckets={buckets} />
    </figure>
  );
}

function BucketTable({ label, columns, buckets }: { label: string; columns: Column[]; buckets: StatsBucket[] }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-600">The numbers</summary>
      <table className="mt-2 w-full text-left">
        <caption className="sr-only">{label}</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              From
            </th>
            {columns.map(([label]) => (
              <th key={label} scope="col" className="py-1 pr-3 text-right font-medium">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums">
          {buckets.map((bucket) => (
            <tr key={bucket.start}>
              <td className="py-1 pr-3 text-slate-700">
                <time dateTime={bucket.start}>{formatDateTime(bucket.start)}</time>
              </td>
              {columns.map(([label, value]) => (
                <td key={label} className="py-1 pr-3 text-right">
                  {value(bucket) ?? "—"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
