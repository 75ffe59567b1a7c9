import { useState } from "react";
import { Link } from "react-router";

import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { webhookPath } from "@/config/paths";
import { formatDateTime } from "@/lib/format";

import { useSubscriptions } from "../api/get-subscriptions";
import { previousSecretValid } from "../utils/webhook-draft";

import { CreateWebhookDialog } from "./create-webhook-dialog";
import { WebhookStatusBadge } from "./webhook-status";

export function WebhooksPage() {
  const subscriptions = useSubscriptions();
  const [creating, setCreating] = useState(false);

  const addButton = (
    <Button variant="primary" onClick={() => { setCreating(true); }}>
      Add webhook
    </Button>
  );

  return (
    <>
      <PageHeader title="Webhooks" description="Endpoints that receive your events as they arrive, with retries and signatures. Open one to test it, see its attempts or recover what failed." actions={addButton} />
      {subscriptions.isPending ? (
        <LoadingState label="Loading webhooks…" />
      ) : subscriptions.isError ? (
        <ErrorState error={subscriptions.error} title="Could not load webhooks" onRetry={() => void subscriptions.refetch()} />
      ) : subscriptions.data.subscriptions.length === 0 ? (
        <EmptyState title="No webhooks yet" action={addButton}>
          Add an endpoint and every matching event is POSTed to it within a second, signed so the receiver can check it came from here.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" aria-label="Webhooks">
          {subscriptions.data.subscriptions.map((subscription) => (
            <li key={subscription.subscription_id} className="relative space-y-1 px-4 py-3 hover:bg-slate-50">
              {/* The whole row opens the webhook; the link itself is what a keyboard or screen reader finds. */}
              <Link to={webhookPath(subscription.subscription_id)} className="font-medium break-all text-indigo-800 underline-offset-2 after:absolute after:inset-0 hover:underline">
                {subscription.target_url}
              </Link>
              {subscription.description && <p className="text-sm text-slate-700">{subscription.description}</p>}
              <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-600">
                <WebhookStatusBadge status={subscription.status} />
                {subscription.event_types.map((type) => (
                  <Badge key={type} tone="info">
                    {type}
                  </Badge>
                ))}
                {subscription.status === "disabled" && subscription.disabled_reason && <span className="text-amber-900">{subscription.disabled_reason}</span>}
                {previousSecretValid(subscription) && <Badge tone="neutral">secret rotated</Badge>}
                <span>
                  added <time dateTime={subscription.created_at}>{formatDateTime(subscription.created_at)}</time>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
      <CreateWebhookDialog open={creating} onClose={() => { setCreating(false); }} />
    </>
  );
}
