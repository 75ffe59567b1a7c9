import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { eventQueryOptions } from "./get-event";

export function deleteEvent(eventId: string) {
  return unwrap(api.DELETE("/v1/events/{event_id}", { params: { path: { event_id: eventId } } }));
}

export function useDeleteEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteEvent,
    onSuccess: async (_, eventId) => {
      queryClient.removeQueries({ queryKey: eventQueryOptions(eventId).queryKey });
      await queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}
