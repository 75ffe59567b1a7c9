import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation, type RouteObject } from "react-router";

import { AppLayout } from "@/components/layouts/app-layout";
import { ErrorState, LoadingState } from "@/components/states";
import { PAGES, paths, type Page } from "@/config/paths";
import { SignedInKeyProvider, useCan, useCurrentKey } from "@/lib/auth";
import { useApiKey } from "@/lib/session";

import { HomeRoute } from "./routes/home";
import { ScopeRefusedRoute } from "./routes/scope-refused";

/** Pages behind a key; without one, to sign-in and back here afterwards. Data of a previous key never outlives it. */
function RequireKey() {
  const key = useApiKey();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (key === null) queryClient.clear();
  }, [key, queryClient]);
  if (key === null) return <Navigate to={paths.signIn} replace state={{ from: location }} />;
  return <SignedIn apiKey={key} />;
}

/** Pages render once the console knows whose key it holds (after a reload it asks; after sign-in it knows). */
function SignedIn({ apiKey }: { apiKey: string }) {
  const current = useCurrentKey(apiKey);
  if (current.isPending || current.isError) {
    return (
      <main className="mx-auto max-w-xl px-4 py-16">
        <h1 className="sr-only">Triggers console</h1>
        {current.isPending ? (
          <LoadingState label="Checking your key…" />
        ) : (
          <ErrorState error={current.error} title="Could not check your key" onRetry={() => void current.refetch()} />
        )}
      </main>
    );
  }
  return (
    <SignedInKeyProvider value={current.data}>
      <AppLayout>
        <Outlet />
      </AppLayout>
    </SignedInKeyProvider>
  );
}

/** A page the key's scopes do not open says so, without asking the API for what it would refuse. */
function RequireScope({ page }: { page: Page }) {
  return useCan(page.scope) ? <Outlet /> : <ScopeRefusedRoute page={page} />;
}

// Each page is its own chunk: the first visit downloads the shell and the page it lands on.
const PAGE_ROUTES: Record<Page["path"], RouteObject[]> = {
  [paths.overview]: [{ index: true, lazy: async () => ({ Component: (await import("./routes/overview")).OverviewRoute }) }],
  [paths.events]: [{ index: true, lazy: async () => ({ Component: (await import("./routes/events")).EventsRoute }) }],
  [paths.webhooks]: [
    { index: true, lazy: async () => ({ Component: (await import("./routes/webhooks")).WebhooksRoute }) },
    { path: ":subscriptionId", lazy: async () => ({ Component: (await import("./routes/webhook")).WebhookRoute }) },
  ],
  [paths.metrics]: [{ index: true, lazy: async () => ({ Component: (await import("./routes/metrics")).MetricsRoute }) }],
  [paths.keys]: [{ index: true, lazy: async () => ({ Component: (await import("./routes/keys")).KeysRoute }) }],
  [paths.audit]: [{ index: true, lazy: async () => ({ Component: (await import("./routes/audit")).AuditRoute }) }],
};

const router = createBrowserRouter([
  {
    hydrateFallbackElement: <LoadingState label="Loading…" />,
    children: [
      { path: paths.signIn, lazy: async () => ({ Component: (await import("./routes/sign-in")).SignInRoute }) },
      {
        element: <RequireKey />,
        children: [
          { index: true, element: <HomeRoute /> },
          ...PAGES.map((page) => ({ element: <RequireScope page={page} />, children: [{ path: page.path, children: PAGE_ROUTES[page.path] }] })),
          { path: "*", lazy: async () => ({ Component: (await import("./routes/not-found")).NotFoundRoute }) },
        ],
      },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
