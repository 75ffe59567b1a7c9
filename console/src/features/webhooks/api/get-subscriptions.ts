import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

export function getSubscriptions(signal?: AbortSignal) {
  return unwrap(api.GET("/v1/subscriptions", { signal }));
}

export const subscriptionsQueryOptions = queryOptions({
  queryKey: ["subscriptions"],
  queryFn: ({ signal }) => getSubscriptions(signal),
});

export function useSubscriptions() {
  return useQuery(subscriptionsQueryOptions);
}
