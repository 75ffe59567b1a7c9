import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";

import type { components, paths } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";
import { cursorPaging, pageQuery } from "@/lib/paging";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

type EventsQuery = NonNullable<paths["/v1/events"]["get"]["parameters"]["query"]>;
export type EventStatus = components["schemas"]["EventStatus"];
export type EventFilters = Omit<EventsQuery, "limit" | "cursor">;

/** A Record over EventStatus, so a status added to the API fails the type check until the filter offers it. */
const STATUS_NAMES: Record<EventStatus, true> = { pending: true, delivered: true, acknowledged: true, failed: true };
export const EVENT_STATUSES = Object.keys(STATUS_NAMES) as EventStatus[];

export function isEventStatus(value: string | null): value is EventStatus {
  return EVENT_STATUSES.some((status) => status === value);
}

const PAGE_SIZE = 50;

export function getEventsPage(query: EventsQuery, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/events", { params: { query }, signal }));
}

export function eventsQueryOptions(filters: EventFilters) {
  return infiniteQueryOptions({
    queryKey: ["events", filters],
    queryFn: ({ pageParam, signal }) => getEventsPage(pageQuery(filters, PAGE_SIZE, pageParam), signal),
    ...cursorPaging,
  });
}

/** Every event in retention, any status, newest first unless asked otherwise; refreshed every couple of seconds, so it is live. */
export function useEvents(filters: EventFilters) {
  return useInfiniteQuery({ ...eventsQueryOptions(filters), refetchInterval: LIVE_REFRESH_MS });
}
