import { Link } from "react-router";

import { Section } from "@/components/section";
import { ErrorState, LoadingState } from "@/components/states";
import { paths } from "@/config/paths";

import { useStats } from "../api/get-stats";
import { totalsOf } from "../utils/ranges";

import { StatTiles } from "./stat-tiles";
import { StatsChart } from "./stats-chart";

/** The last 24 hours in numbers and one chart, with the way to the full metrics. */
export function StatsOverview() {
  const stats = useStats("24h");
  return (
    <Section
      title="Last 24 hours"
      actions={
        <Link to={paths.metrics} className="text-sm font-medium text-indigo-800 underline-offset-2 hover:underline">
          All metrics
        </Link>
      }
    >
      {stats.isPending ? (
        <LoadingState label="Loading the last 24 hours…" />
      ) : stats.isError ? (
        <ErrorState error={stats.error} title="Could not load the counters" onRetry={() => void stats.refetch()} />
      ) : (
        <div className="space-y-4">
          <StatTiles totals={totalsOf(stats.data.buckets)} label="Totals over the last 24 hours" />
          <StatsChart kind="activity" label="Events per hour over the last 24 hours" caption="Events per hour" buckets={stats.data.buckets} range="24h" height="h-56" />
        </div>
      )}
    </Section>
  );
}
