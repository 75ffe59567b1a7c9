import { infiniteQueryOptions, queryOptions, useInfiniteQuery } from "@tanstack/react-query";

import type { components, paths } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";
import { cursorPaging, pageQuery } from "@/lib/paging";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

type AttemptsQuery = NonNullable<paths["/v1/subscriptions/{subscription_id}/attempts"]["get"]["parameters"]["query"]>;
export type AttemptFilters = Omit<AttemptsQuery, "limit" | "cursor">;
export type AttemptOutcome = components["schemas"]["AttemptOutcome"];
export type SubscriptionAttempt = components["schemas"]["SubscriptionAttempt"];

/** A Record over AttemptOutcome, so an outcome added to the API fails the type check until the filter offers it. */
const OUTCOME_NAMES: Record<AttemptOutcome, true> = { succeeded: true, failed: true, skipped: true };
export const ATTEMPT_OUTCOMES = Object.keys(OUTCOME_NAMES) as AttemptOutcome[];

export function isAttemptOutcome(value: string | null): value is AttemptOutcome {
  return ATTEMPT_OUTCOMES.some((outcome) => outcome === value);
}

const PAGE_SIZE = 25;

export function getAttemptsPage(subscriptionId: string, query: AttemptsQuery, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/subscriptions/{subscription_id}/attempts", { params: { path: { subscription_id: subscriptionId }, query }, signal }));
}

export function attemptsQueryOptions(subscriptionId: string, filters: AttemptFilters) {
  return infiniteQueryOptions({
    queryKey: ["attempts", subscriptionId, filters],
    queryFn: ({ pageParam, signal }) => getAttemptsPage(subscriptionId, pageQuery(filters, PAGE_SIZE, pageParam), signal),
    ...cursorPaging,
  });
}

/** The webhook's delivery attempts, newest first; refreshed while shown, so a test or a recovery shows up as it happens. */
export function useAttempts(subscriptionId: string, filters: AttemptFilters, { enabled = true }: { enabled?: boolean } = {}) {
  return useInfiniteQuery({ ...attemptsQueryOptions(subscriptionId, filters), enabled, refetchInterval: LIVE_REFRESH_MS });
}

/** A webhook's latest attempt, whatever its outcome: whether it is failing now. */
export function latestAttemptQueryOptions(subscriptionId: string) {
  return queryOptions({
    queryKey: ["attempts", subscriptionId, "latest"],
    queryFn: async ({ signal }) => (await getAttemptsPage(subscriptionId, { limit: 1 }, signal)).attempts[0] ?? null,
  });
}
