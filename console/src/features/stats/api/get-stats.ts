import { queryOptions, useQuery } from "@tanstack/react-query";

import type { paths } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

import { RANGES, windowOf, type StatsRange } from "../utils/ranges";

type StatsQuery = NonNullable<paths["/v1/stats"]["get"]["parameters"]["query"]>;

export function getStats(query: StatsQuery, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/stats", { params: { query }, signal }));
}

/** Keyed by the range, not its instants: each fetch asks for the window ending then. */
export function statsQueryOptions(range: StatsRange) {
  return queryOptions({
    queryKey: ["stats", range],
    queryFn: ({ signal }) => getStats(windowOf(range), signal),
  });
}

/** The tenant's counters per bucket over a range ending now, refreshed about once a bucket (minutes: every 15 s). */
export function useStats(range: StatsRange) {
  return useQuery({ ...statsQueryOptions(range), refetchInterval: RANGES[range].granularity === "minute" ? 15_000 : 60_000 });
}
