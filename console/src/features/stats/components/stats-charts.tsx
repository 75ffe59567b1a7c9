/**
 * The Recharts charts of the stats buckets. Recharts is the heaviest thing the console ships, so this
 * module is only ever imported lazily (./charts.tsx): pages render their numbers first, the charts after.
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

import { formatDateTime } from "@/lib/format";

import { axisLabel, type StatsBucket, type StatsRange } from "../utils/ranges";
import { SERIES_COLORS } from "../utils/series";

export interface ChartProps {
  buckets: StatsBucket[];
  range: StatsRange;
}

const AXIS_TICK = { fontSize: 12, fill: "#475569" };
const CHART_MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
const count = new Intl.NumberFormat();
const SERIES_ORDER: readonly string[] = Object.keys(SERIES_COLORS);
/** Legend and tooltip list the series in the colours' order (ingested first), not alphabetically. */
const bySeries = (item: { value?: unknown; name?: unknown }) => SERIES_ORDER.indexOf(String(item.name ?? item.value));

function TimeAxis({ range }: { range: StatsRange }) {
  return <XAxis dataKey="start" tickFormatter={(start: string) => axisLabel(start, range)} tick={AXIS_TICK} minTickGap={24} tickLine={false} />;
}

function ValueAxis() {
  return <YAxis allowDecimals={false} tick={AXIS_TICK} width={48} tickLine={false} axisLine={false} />;
}

function BucketTooltip({ unit = "" }: { unit?: string }) {
  return (
    <Tooltip
      itemSorter={bySeries}
      labelFormatter={(start) => (typeof start === "string" ? formatDateTime(start) : "")}
      formatter={(value) => (typeof value === "number" ? `${count.format(value)}${unit}` : "—")}
      contentStyle={{ borderRadius: 6, borderColor: "#cbd5e1", fontSize: 13 }}
    />
  );
}

/** Events per bucket: ingested, delivered, acknowledged and failed. */
export function ActivityChart({ buckets, range }: ChartProps) {
  return (
    <LineChart data={buckets} responsive width="100%" height="100%" margin={CHART_MARGIN}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <TimeAxis range={range} />
      <ValueAxis />
      <BucketTooltip />
      <Legend iconType="plainline" itemSorter={bySeries} />
      {(["ingested", "delivered", "acknowledged", "failed"] as const).map((series) => (
        <Line
          key={series}
          dataKey={series}
          name={series}
          stroke={SERIES_COLORS[series]}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

/** Delivery attempts per bucket (every try at every webhook, retries included). */
export function AttemptsChart({ buckets, range }: ChartProps) {
  return (
    <BarChart data={buckets} responsive width="100%" height="100%" margin={CHART_MARGIN}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <TimeAxis range={range} />
      <ValueAxis />
      <BucketTooltip />
      <Bar dataKey="attempts" name="attempts" fill={SERIES_COLORS.attempts} isAnimationActive={false} />
    </BarChart>
  );
}

/** From ingestion to a subscriber's 2xx, in ms: the median and the 95th percentile per bucket; a bucket with no delivery leaves a gap (dots show lone points). */
export function LatencyChart({ buckets, range }: ChartProps) {
  return (
    <LineChart data={buckets} responsive width="100%" height="100%" margin={CHART_MARGIN}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <TimeAxis range={range} />
      <ValueAxis />
      <BucketTooltip unit=" ms" />
      <Legend iconType="plainline" itemSorter={bySeries} />
      <Line dataKey={(bucket: StatsBucket) => bucket.latency_ms.p50} name="p50" stroke={SERIES_COLORS.p50} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
      <Line dataKey={(bucket: StatsBucket) => bucket.latency_ms.p95} name="p95" stroke={SERIES_COLORS.p95} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
    </LineChart>
  );
}
