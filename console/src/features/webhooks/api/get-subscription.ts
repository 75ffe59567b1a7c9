import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

import { subscriptionsQueryOptions } from "./get-subscriptions";

export type Subscription = components["schemas"]["Subscription"];

export function getSubscription(subscriptionId: string, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/subscriptions/{subscription_id}", { params: { path: { subscription_id: subscriptionId } }, signal }));
}

export function subscriptionQueryOptions(subscriptionId: string) {
  return queryOptions({
    queryKey: ["subscriptions", subscriptionId],
    queryFn: ({ signal }) => getSubscription(subscriptionId, signal),
  });
}

/** One webhook; `enabled: false` stops asking (e.g. while it is being deleted, so no 404 is logged). */
export function useSubscription(subscriptionId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...subscriptionQueryOptions(subscriptionId), enabled });
}

/** After a change to a webhook: the API's answer is its new state, and the list may show it too. */
export async function storeSubscription(queryClient: QueryClient, subscription: Subscription) {
  queryClient.setQueryData(subscriptionQueryOptions(subscription.subscription_id).queryKey, subscription);
  await queryClient.invalidateQueries({ queryKey: subscriptionsQueryOptions.queryKey, exact: true });
}
