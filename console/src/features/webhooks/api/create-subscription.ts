import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

import { subscriptionsQueryOptions } from "./get-subscriptions";

export type SubscriptionInput = components["schemas"]["SubscriptionIn"];

/** Creates a webhook; the response carries its signing secret, the only time the API reveals it. */
export function createSubscription(body: SubscriptionInput) {
  return unwrap(api.POST("/v1/subscriptions", { body }));
}

export function useCreateSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSubscription,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: subscriptionsQueryOptions.queryKey }),
  });
}
