import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

export function getKeys(signal?: AbortSignal) {
  return unwrap(api.GET("/v1/keys", { signal }));
}

export const keysQueryOptions = queryOptions({
  queryKey: ["keys"],
  queryFn: ({ signal }) => getKeys(signal),
});

export function useKeys() {
  return useQuery(keysQueryOptions);
}
