import type { ReactNode } from "react";

import { ApiError } from "@/lib/api-client";

import { Button } from "./ui/button";

export function LoadingState({ label }: { label: string }) {
  return (
    <div role="status" className="flex items-center gap-3 rounded-lg border border-dashed border-slate-300 px-4 py-10 text-sm text-slate-600 justify-center">
      <span aria-hidden className="size-4 animate-spin rounded-full border-2 border-indigo-600 border-r-transparent" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
      <p className="font-medium text-slate-900">{title}</p>
      {children !== undefined && <div className="mx-auto mt-1 max-w-prose text-sm text-slate-600">{children}</div>}
      {action !== undefined && <div className="mt-4 flex justify-center">{action}</div>}
    </div>
  );
}

/** An API error as the API put it, with the request id to quote to support. */
export function ErrorMessage({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-medium">{title}</p>
      <p className="mt-0.5 break-words">{message}</p>
      {details.length > 0 && (
        <ul className="mt-1 list-disc pl-5 break-words">
          {details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      {requestId !== null && (
        <p className="mt-1 text-xs text-red-800">
          Request id <code className="font-mono break-all">{requestId}</code>
        </p>
      )}
    </div>
  );
}

/** A failed load: the API's words and a retry, or, when the key lacks the scope, no retry that cannot help. */
export function ErrorState({ error, title, onRetry }: { error: unknown; title: string; onRetry: () => void }) {
  if (error instanceof ApiError && error.code === "FORBIDDEN") {
    return (
      <EmptyState title="This key may not do that">
        {error.message}. Sign in with a key that has that scope, or ask for one.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <ErrorMessage error={error} title={title} />
      <Button onClick={onRetry}>Try again</Button>
    </div>
  );
}
