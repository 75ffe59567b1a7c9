import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { subscriptionQueryOptions } from "./get-subscription";

/** A new signing secret, returned this once; the previous one keeps signing until `previous_secret_expires_at`. */
export function rotateSecret(subscriptionId: string) {
  return unwrap(api.POST("/v1/subscriptions/{subscription_id}/secret/rotate", { params: { path: { subscription_id: subscriptionId } } }));
}

export function useRotateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateSecret,
    onSuccess: (_, subscriptionId) => queryClient.invalidateQueries({ queryKey: subscriptionQueryOptions(subscriptionId).queryKey }),
  });
}
