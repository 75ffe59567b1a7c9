import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from "react-router";

import { AppLayout } from "@/components/layouts/app-layout";
import { LoadingState } from "@/components/states";
import { useApiKey } from "@/lib/session";

import { paths } from "@/config/paths";

/** Pages behind a key; without one, to sign-in and back here afterwards. Data of a previous key never outlives it. */
function RequireKey() {
  const key = useApiKey();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (key === null) queryClient.clear();
  }, [key, queryClient]);
  if (key === null) return <Navigate to={paths.signIn} replace state={{ from: location }} />;
  return (
    <AppLayout>
      <Outlet />
    </AppLayout>
  );
}

// Each page is its own chunk: the first visit downloads the shell and the page it lands on.
const router = createBrowserRouter([
  {
    hydrateFallbackElement: <LoadingState label="Loading…" />,
    children: [
      { path: paths.signIn, lazy: async () => ({ Component: (await import("./routes/sign-in")).SignInRoute }) },
      {
        element: <RequireKey />,
        children: [
          { index: true, element: <Navigate to={paths.events} replace /> },
          { path: paths.events, lazy: async () => ({ Component: (await import("./routes/events")).EventsRoute }) },
          { path: paths.webhooks, lazy: async () => ({ Component: (await import("./routes/webhooks")).WebhooksRoute }) },
          { path: paths.keys, lazy: async () => ({ Component: (await import("./routes/keys")).KeysRoute }) },
          { path: "*", lazy: async () => ({ Component: (await import("./routes/not-found")).NotFoundRoute }) },
        ],
      },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
