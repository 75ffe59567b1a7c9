import { useState } from "react";

import type { components } from "@/api/schema";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { useNotify } from "@/components/toaster";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";

import { useDeleteSubscription } from "../api/delete-subscription";
import { useSubscriptions } from "../api/get-subscriptions";

import { CreateWebhookDialog } from "./create-webhook-dialog";

type Subscription = components["schemas"]["Subscription"];

export function WebhooksPage() {
  const subscriptions = useSubscriptions();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const remove = useDeleteSubscription();
  const notify = useNotify();

  const addButton = (
    <Button variant="primary" onClick={() => { setCreating(true); }}>
      Add webhook
    </Button>
  );
  const cancelDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <>
      <PageHeader title="Webhooks" description="Endpoints that receive your events as they arrive, with retries and signatures." actions={addButton} />
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
            <li key={subscription.subscription_id} className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0 space-y-1">
                <p className="font-medium break-all text-slate-900">{subscription.target_url}</p>
                {subscription.description && <p className="text-sm text-slate-700">{subscription.description}</p>}
                <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-600">
                  <Badge tone={subscription.status === "active" ? "success" : "warning"}>{subscription.status}</Badge>
                  {subscription.event_types.map((type) => (
                    <Badge key={type} tone="info">
                      {type}
                    </Badge>
                  ))}
                  <span>
                    added <time dateTime={subscription.created_at}>{formatDateTime(subscription.created_at)}</time>
                  </span>
                </div>
              </div>
              <Button variant="secondary" size="sm" onClick={() => { setDeleting(subscription); }} aria-label={`Delete webhook ${subscription.target_url}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <CreateWebhookDialog open={creating} onClose={() => { setCreating(false); }} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busy={remove.isPending}
        error={remove.error}
        onCancel={cancelDelete}
        onConfirm={() => {
          if (deleting === null) return;
          remove.mutate(deleting.subscription_id, {
            onSuccess: () => {
              notify("Webhook deleted");
              setDeleting(null);
            },
          });
        }}
      >
        <p className="break-all">
          <strong>{deleting?.target_url}</strong> stops receiving events at once; deliveries still queued for it are given up.
        </p>
      </ConfirmDialog>
    </>
  );
}
