import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { ApiError } from "./api-client";
import { signOut } from "./session";

/** How often live views ask for news; the console promises a new event on screen within 3 s. */
export const LIVE_REFRESH_MS = 2_000;

function signOutIfKeyRefused(error: Error): void {
  // The key was revoked or expired while in use (possibly from this very console): back to sign-in.
  if (error instanceof ApiError && error.keyRefused) signOut();
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signOutIfKeyRefused }),
    mutationCache: new MutationCache({ onError: signOutIfKeyRefused }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // A 4xx will not change by asking again; a fault or a dropped connection might.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
    },
  });
}
