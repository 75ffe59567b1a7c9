import { useQueryClient } from "@tanstack/react-query";
import { Navigate, useLocation, useNavigate, type Location } from "react-router";

import { paths } from "@/config/paths";
import { SignInForm } from "@/features/auth/components/sign-in-form";
import { signInAs } from "@/lib/auth";
import { useApiKey } from "@/lib/session";

function returnPath(state: unknown): string {
  const from = (state as { from?: Location } | null)?.from;
  return from ? `${from.pathname}${from.search}` : paths.home;
}

export function SignInRoute() {
  const key = useApiKey();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (key !== null) return <Navigate to={returnPath(location.state)} replace />;

  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4">
      <title>Sign in · Triggers console</title>
      <div className="w-full max-w-md space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <div className="space-y-1">
          <img src="/favicon.svg" alt="" className="size-8" />
          <h1 className="pt-2 text-xl font-semibold text-slate-900">Sign in to the Triggers console</h1>
          <p className="text-sm text-slate-600">
            Use an API key of your tenant. Running locally? <code className="font-mono">make run</code> printed one.
          </p>
        </div>
        <SignInForm
          onSignedIn={(signedIn, current) => {
            signInAs(queryClient, signedIn, current);
            void navigate(returnPath(location.state), { replace: true });
          }}
        />
        <p className="text-center text-sm">
          <a href={paths.apiDocs} className="text-indigo-800 underline underline-offset-2">
            API reference
          </a>
        </p>
      </div>
    </main>
  );
}
