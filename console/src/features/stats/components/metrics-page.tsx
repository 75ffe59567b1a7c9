import { useSearchParams } from "react-router";

import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { ErrorState, LoadingState } from "@/components/states";
import { ToggleGroup } from "@/components/ui/toggle-group";

import { useStats } from "../api/get-stats";
import { DEFAULT_RANGE, isStatsRange, RANGES, STATS_RANGES, totalsOf, type StatsRange } from "../utils/ranges";

import { StatTiles } from "./stat-tiles";
import { StatsChart } from "./stats-chart";

const RANGE_CHOICES = STATS_RANGES.map((range) => [range, RANGES[range].label] as const);

export function MetricsPage() {
  const [search, setSearch] = useSearchParams();
  const param = search.get("range");
  const range = isStatsRange(param) ? param : DEFAULT_RANGE;
  const stats = useStats(range);
  const unit = RANGES[range].granularity;

  const chooseRange = (next: StatsRange) => {
    setSearch(next === DEFAULT_RANGE ? {} : { range: next }, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Metrics"
        description={`Events and deliveries per ${unit}, counted as they happen; a quiet ${unit} counts as zero.`}
        actions={<ToggleGroup label="Range" options={RANGE_CHOICES} value={range} onChange={chooseRange} />}
      />
      {stats.isPending ? (
        <LoadingState label="Loading metrics…" />
      ) : stats.isError ? (
        <ErrorState error={stats.error} title="Could not load the metrics" onRetry={() => void stats.refetch()} />
      ) : (
        <div className="space-y-4">
          <StatTiles totals={totalsOf(stats.data.buckets)} label={`Totals over the last ${RANGES[range].label}`} />
          <Section title={`Events per ${unit}`} description="Ingested, delivered to every webhook, acknowledged, and failed after the last retry.">
            <StatsChart kind="activity" label={`Events per ${unit}`} buckets={stats.data.buckets} range={range} height="h-72" />
          </Section>
          <div className="grid gap-4 lg:grid-cols-2">
            <Section title={`Delivery attempts per ${unit}`} description="Every try at every webhook, retries included.">
              <StatsChart kind="attempts" label={`Delivery attempts per ${unit}`} buckets={stats.data.buckets} range={range} />
            </Section>
            <Section title="Delivery latency (ms)" description="From ingestion to the subscriber's 2xx: the median (p50) and p95.">
              <StatsChart kind="latency" label={`Delivery latency per ${unit}, in milliseconds`} buckets={stats.data.buckets} range={range} />
            </Section>
          </div>
        </div>
      )}
    </>
  );
}
