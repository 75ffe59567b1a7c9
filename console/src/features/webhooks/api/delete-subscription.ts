import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { subscriptionsQueryOptions } from "./get-subscriptions";

export function deleteSubscription(subscriptionId: string) {
  return unwrap(api.DELETE("/v1/subscriptions/{subscription_id}", { params: { path: { subscription_id: subscriptionId } } }));
}

export function useDeleteSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSubscription,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: subscriptionsQueryOptions.queryKey }),
  });
}
