import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { invalidateEvent } from "./get-event";

export function ackEvent(eventId: string) {
  return unwrap(api.POST("/v1/events/{event_id}/ack", { params: { path: { event_id: eventId } } }));
}

export function useAckEvent() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: ackEvent, onSuccess: (_, eventId) => invalidateEvent(queryClient, eventId) });
}
