import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";

import type { components } from "@/api/schema";

import { api, unwrap } from "./api-client";
import { keyIdOf, signIn } from "./session";

export type CurrentKey = components["schemas"]["ApiKey"];
export type Scope = components["schemas"]["Scope"];

/** The key's own metadata (tenant, name, scopes); any valid key may ask, so it is also how sign-in checks a key. */
export function getCurrentKey(key: string, signal?: AbortSignal): Promise<CurrentKey> {
  return unwrap(api.GET("/v1/keys/current", { headers: { "x-api-key": key }, signal }));
}

/** Keyed by the key id, never the key itself; another key never sees this one's answer. */
function currentKeyQueryOptions(key: string) {
  return queryOptions({
    queryKey: ["current-key", keyIdOf(key)],
    queryFn: ({ signal }) => getCurrentKey(key, signal),
    // A key's scopes never change; a revoked or expired key is noticed by the next refused call.
    staleTime: Infinity,
  });
}

/** Signs in with a key the API has just described, so the console knows its scopes without asking again. */
export function signInAs(queryClient: QueryClient, key: string, current: CurrentKey): void {
  queryClient.setQueryData(currentKeyQueryOptions(key).queryKey, current);
  signIn(key);
}

/** Who a stored key belongs to (after a reload, the session has the key but not its metadata). */
export function useCurrentKey(key: string) {
  return useQuery(currentKeyQueryOptions(key));
}

const SignedInContext = createContext<CurrentKey | null>(null);

/** Makes the signed-in key known to every page below; pages render only once it is. */
export function SignedInKeyProvider({ value, children }: { value: CurrentKey; children: ReactNode }) {
  return <SignedInContext value={value}>{children}</SignedInContext>;
}

export function useSignedInKey(): CurrentKey {
  const current = useContext(SignedInContext);
  if (current === null) throw new Error("useSignedInKey needs a <SignedInKeyProvider> above it");
  return current;
}

/** Whether the signed-in key holds a scope: what it forbids is hidden or disabled, never left to fail. */
export function useCan(scope: Scope): boolean {
  return useSignedInKey().scopes.includes(scope);
}
