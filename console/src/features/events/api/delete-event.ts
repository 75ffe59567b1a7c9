import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

export function deleteEvent(eventId: string) {
  return unwrap(api.DELETE("/v1/events/{event_id}", { params: { path: { event_id: eventId } } }));
}

export function useDeleteEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteEvent,
    // The erased event's own query is left to expire unobserved: refetching it would only find a 404.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["events"] }),
  });
}
