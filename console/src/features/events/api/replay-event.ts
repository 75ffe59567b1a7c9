import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { invalidateEvent } from "./get-event";

export function replayEvent(eventId: string) {
  return unwrap(api.POST("/v1/events/{event_id}/replay", { params: { path: { event_id: eventId } } }));
}

export function useReplayEvent() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: replayEvent, onSuccess: (_, eventId) => invalidateEvent(queryClient, eventId) });
}
