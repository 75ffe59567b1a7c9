import { useMutation } from "@tanstack/react-query";

import { getCurrentKey } from "@/lib/auth";

/** Whether the API accepts a key, and whose it is: `GET /v1/keys/current` answers any valid key. */
export function useCheckKey() {
  return useMutation({ mutationFn: (key: string) => getCurrentKey(key) });
}
