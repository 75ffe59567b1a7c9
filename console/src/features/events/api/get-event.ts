import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

export function getEvent(eventId: string, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/events/{event_id}", { params: { path: { event_id: eventId } }, signal }));
}

export function eventQueryOptions(eventId: string) {
  return queryOptions({
    queryKey: ["event", eventId],
    queryFn: ({ signal }) => getEvent(eventId, signal),
  });
}

/**
 * One event with every delivery attempt; refreshed while open, so attempts appear as they happen.
 * `enabled: false` stops asking, e.g. once the event is being erased (a 404 would be logged).
 */
export function useEvent(eventId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...eventQueryOptions(eventId), enabled, refetchInterval: LIVE_REFRESH_MS });
}

/** After an action on an event: its detail and every event listing may have changed. */
export async function invalidateEvent(queryClient: QueryClient, eventId: string) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["events"] }),
    queryClient.invalidateQueries({ queryKey: eventQueryOptions(eventId).queryKey }),
  ]);
}
