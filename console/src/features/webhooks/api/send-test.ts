import { useMutation } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

export type SendTestResult = components["schemas"]["SendTestResult"];

/** POSTs a signed `triggers.test` event to the webhook now and says how it answered; nothing is stored. */
export function sendTest(subscriptionId: string) {
  return unwrap(api.POST("/v1/subscriptions/{subscription_id}/test", { params: { path: { subscription_id: subscriptionId } } }));
}

export function useSendTest() {
  return useMutation({ mutationFn: sendTest });
}
