import { useQueries } from "@tanstack/react-query";
import { Link } from "react-router";

import { Section } from "@/components/section";
import { EmptyState, ErrorMessage, ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { paths, webhookPath } from "@/config/paths";
import { formatDateTime, formatRelative } from "@/lib/format";

import { latestAttemptQueryOptions, type SubscriptionAttempt } from "../api/get-attempts";
import type { Subscription } from "../api/get-subscription";
import { useSubscriptions } from "../api/get-subscriptions";

/** How many active webhooks the overview asks about (one request each). */
const CHECKED_AT_MOST = 50;
const REFRESH_MS = 30_000;

interface Failing {
  subscription: Subscription;
  lastFailure: SubscriptionAttempt | null; // null: disabled
}

/** Webhooks that need someone: disabled ones, and active ones whose latest attempt failed. */
export function FailingWebhooks() {
  const subscriptions = useSubscriptions();
  const all = subscriptions.data?.subscriptions ?? [];
  const active = all.filter((subscription) => subscription.status === "active").slice(0, CHECKED_AT_MOST);
  const latest = useQueries({
    queries: active.map((subscription) => ({ ...latestAttemptQueryOptions(subscription.subscription_id), refetchInterval: REFRESH_MS })),
  });
  const failing: Failing[] = [
    ...all.filter((subscription) => subscription.status === "disabled").map((subscription) => ({ subscription, lastFailure: null })),
    ...active.flatMap((subscription, index) => {
      const attempt = latest[index]?.data;
      return attempt?.outcome === "failed" ? [{ subscription, lastFailure: attempt }] : [];
    }),
  ];
  const latestError = latest.find((query) => query.isError)?.error;

  return (
    <Section
      title="Failing webhooks"
      actions={
        <Link to={paths.webhooks} className="text-sm font-medium text-indigo-800 underline-offset-2 hover:underline">
          All webhooks
        </Link>
      }
    >
      {subscriptions.isPending || latest.some((query) => query.isPending) ? (
        <LoadingState label="Checking the webhooks…" />
      ) : subscriptions.isError ? (
        <ErrorState error={subscriptions.error} title="Could not load webhooks" onRetry={() => void subscriptions.refetch()} />
      ) : failing.length === 0 ? (
        all.length === 0 ? (
          <EmptyState title="No webhooks yet">Add one on the Webhooks page to have events pushed as they arrive.</EmptyState>
        ) : (
          <EmptyState title="No failing webhooks">Every webhook is enabled, and the latest delivery to each succeeded.</EmptyState>
        )
      ) : (
        <ul aria-label="Failing webhooks" className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {failing.map((item) => (
            <FailingItem key={item.subscription.subscription_id} {...item} />
          ))}
        </ul>
      )}
      {latestError !== undefined && <ErrorMessage error={latestError} title="Could not check every webhook" />}
      {all.filter((subscription) => subscription.status === "active").length > CHECKED_AT_MOST && (
        <p className="mt-2 text-xs text-slate-600">The first {CHECKED_AT_MOST} active webhooks are checked here; open the others from the Webhooks page.</p>
      )}
    </Section>
  );
}

function FailingItem({ subscription, lastFailure }: Failing) {
  return (
    <li className="space-y-1 px-3 py-2 text-sm">
      <Link to={webhookPath(subscription.subscription_id)} className="font-medium break-all text-indigo-800 underline-offset-2 hover:underline">
        {subscription.target_url}
      </Link>
      {lastFailure === null ? (
        <p className="flex flex-wrap items-center gap-2 text-slate-700">
          <Badge tone="warning">disabled</Badge>
          {subscription.disabled_reason}
          {subscription.disabled_at && (
            <span className="text-slate-600">
              since <time dateTime={subscription.disabled_at}>{formatDateTime(subscription.disabled_at)}</time>
            </span>
          )}
        </p>
      ) : (
        <p className="flex flex-wrap items-center gap-2 text-slate-700">
          <Badge tone="danger">failing</Badge>
          <span>
            last attempt{" "}
            <time dateTime={lastFailure.at} title={formatDateTime(lastFailure.at)}>
              {formatRelative(lastFailure.at)}
            </time>
            : {lastFailure.error ?? (lastFailure.status_code == null ? "no response" : `HTTP ${lastFailure.status_code}`)}
          </span>
          {lastFailure.will_retry && <Badge tone="warning">will retry</Badge>}
        </p>
      )}
    </li>
  );
}
