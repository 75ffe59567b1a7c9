import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";

import { keysQueryOptions } from "./get-keys";

export type KeyInput = components["schemas"]["KeyCreateIn"];
export type Scope = components["schemas"]["Scope"];

/** Creates a key; the response holds the plaintext key, the only time the API reveals it. */
export function createKey(body: KeyInput) {
  return unwrap(api.POST("/v1/keys", { body }));
}

export function useCreateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysQueryOptions.queryKey }),
  });
}
