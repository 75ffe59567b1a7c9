import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";

import { keysQueryOptions } from "./get-keys";

export function revokeKey(keyId: string) {
  return unwrap(api.DELETE("/v1/keys/{key_id}", { params: { path: { key_id: keyId } } }));
}

export function useRevokeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysQueryOptions.queryKey }),
  });
}
