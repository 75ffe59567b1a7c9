import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { subscriptionQueryOptions } from "./get-subscription";
import { subscriptionsQueryOptions } from "./get-subscriptions";

export function deleteSubscription(subscriptionId: string) {
  return unwrap(api.DELETE("/v1/subscriptions/{subscription_id}", { params: { path: { subscription_id: subscriptionId } } }));
}

export function useDeleteSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSubscription,
    onSuccess: async (_, subscriptionId) => {
      // Forgotten, not refetched: asking for it again would only earn a 404.
      queryClient.removeQueries({ queryKey: subscriptionQueryOptions(subscriptionId).queryKey });
      await queryClient.invalidateQueries({ queryKey: subscriptionsQueryOptions.queryKey, exact: true });
    },
  });
}
