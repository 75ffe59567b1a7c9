import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";

import type { components, paths } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

type InboxQuery = NonNullable<paths["/v1/inbox"]["get"]["parameters"]["query"]>;
/** The statuses the inbox lists; acknowledged events leave it. */
export type InboxStatus = Exclude<components["schemas"]["EventStatus"], "acknowledged">;
export const INBOX_STATUSES = ["pending", "delivered", "failed"] as const satisfies readonly InboxStatus[];
export type InboxFilters = Omit<InboxQuery, "limit" | "cursor" | "status"> & { status: InboxStatus };

export function isInboxStatus(value: string | null): value is InboxStatus {
  return INBOX_STATUSES.some((status) => status === value);
}

const PAGE_SIZE = 50;

export function getInboxPage(query: InboxQuery, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/inbox", { params: { query }, signal }));
}

export function inboxQueryOptions(filters: InboxFilters) {
  return infiniteQueryOptions({
    queryKey: ["inbox", filters],
    queryFn: ({ pageParam, signal }) =>
      getInboxPage({ ...filters, limit: PAGE_SIZE, ...(pageParam === undefined ? {} : { cursor: pageParam }) }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.pagination.next_cursor ?? undefined,
  });
}

/** The inbox, oldest first as the API pages it, refreshed every couple of seconds so new events show up live. */
export function useInbox(filters: InboxFilters) {
  return useInfiniteQuery({ ...inboxQueryOptions(filters), refetchInterval: LIVE_REFRESH_MS });
}
