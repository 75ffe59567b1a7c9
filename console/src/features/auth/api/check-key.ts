import { useMutation } from "@tanstack/react-query";

import { ApiError, api, unwrap } from "@/lib/api-client";

/**
 * Whether the API accepts a key, by the cheapest authenticated call: one inbox item. A key
 * without `events:read` is still a valid key: the API answers with its own 403 envelope, which
 * differs from the gateway's bare 403 for a wrong, revoked or expired key.
 */
export async function checkKey(key: string): Promise<void> {
  try {
    await unwrap(api.GET("/v1/inbox", { params: { query: { limit: 1 } }, headers: { "x-api-key": key } }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 403 && !error.keyRefused) return;
    throw error;
  }
}

export function useCheckKey() {
  return useMutation({ mutationFn: checkKey });
}
