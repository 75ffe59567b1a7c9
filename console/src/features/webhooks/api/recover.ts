import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

export type RecoverWindow = components["schemas"]["RecoverIn"];
export type Recovery = components["schemas"]["Recovery"];

/**
 * Delivers again every event whose delivery to this webhook failed or was skipped in the window.
 * One call recovers a bounded number; `resume_since` says where the next call starts.
 */
export function recoverDeliveries({ subscriptionId, window }: { subscriptionId: string; window: RecoverWindow }) {
  return unwrap(api.POST("/v1/subscriptions/{subscription_id}/recover", { params: { path: { subscription_id: subscriptionId } }, body: window }));
}

export function useRecoverDeliveries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: recoverDeliveries,
    onSuccess: (_, { subscriptionId }) => queryClient.invalidateQueries({ queryKey: ["attempts", subscriptionId] }),
  });
}
