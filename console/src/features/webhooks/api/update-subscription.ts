import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

import { storeSubscription } from "./get-subscription";

export type SubscriptionPatch = components["schemas"]["SubscriptionPatch"];

/** Only the fields the patch holds change; `description: null` clears it; `status` disables or enables. */
export function updateSubscription({ subscriptionId, patch }: { subscriptionId: string; patch: SubscriptionPatch }) {
  return unwrap(api.PATCH("/v1/subscriptions/{subscription_id}", { params: { path: { subscription_id: subscriptionId } }, body: patch }));
}

export function useUpdateSubscription() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateSubscription, onSuccess: (subscription) => storeSubscription(queryClient, subscription) });
}
