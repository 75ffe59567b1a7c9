import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { CopyButton } from "@/components/copy-button";
import { Section } from "@/components/section";
import { EmptyState, ErrorMessage, ErrorState, LoadingState } from "@/components/states";
import { useNotify } from "@/components/toaster";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { paths } from "@/config/paths";
import { ApiError } from "@/lib/api-client";
import { formatDateTime } from "@/lib/format";

import { useDeleteSubscription } from "../api/delete-subscription";
import { isAttemptOutcome } from "../api/get-attempts";
import { useSubscription, type Subscription } from "../api/get-subscription";
import { useUpdateSubscription } from "../api/update-subscription";
import { previousSecretValid } from "../utils/webhook-draft";

import { AttemptsSection } from "./attempts-section";
import { EditWebhookDialog } from "./edit-webhook-dialog";
import { RecoverDialog } from "./recover-dialog";
import { RotateSecretDialog } from "./rotate-secret-dialog";
import { SendTestSection } from "./send-test-section";
import { WebhookStatusBadge } from "./webhook-status";

type Dialog = "edit" | "disable" | "rotate" | "recover" | "delete" | null;

/** One webhook: its settings, what can be done to it, a test delivery and its attempts. */
export function WebhookDetail({ subscriptionId }: { subscriptionId: string }) {
  const remove = useDeleteSubscription();
  const subscription = useSubscription(subscriptionId, { enabled: remove.isIdle || remove.isError });

  return (
    <>
      <Link to={paths.webhooks} className="mb-3 inline-block text-sm font-medium text-indigo-800 underline-offset-2 hover:underline">
        ← All webhooks
      </Link>
      {subscription.isPending ? (
        <>
          <h1 className="sr-only">Webhook</h1>
          <LoadingState label="Loading the webhook…" />
        </>
      ) : subscription.isError ? (
        <>
          <h1 className="mb-4 text-2xl font-semibold tracking-tight text-slate-900">Webhook</h1>
          {subscription.error instanceof ApiError && subscription.error.status === 404 ? (
            <EmptyState title="There is no such webhook">It was deleted, or it belongs to another tenant.</EmptyState>
          ) : (
            <ErrorState error={subscription.error} title="Could not load the webhook" onRetry={() => void subscription.refetch()} />
          )}
        </>
      ) : (
        <WebhookView subscription={subscription.data} remove={remove} />
      )}
    </>
  );
}

function WebhookView({ subscription, remove }: { subscription: Subscription; remove: ReturnType<typeof useDeleteSubscription> }) {
  const id = subscription.subscription_id;
  const [search, setSearch] = useSearchParams();
  const outcomeParam = search.get("outcome");
  const outcome = isAttemptOutcome(outcomeParam) ? outcomeParam : undefined;
  const [dialog, setDialog] = useState<Dialog>(null);
  // After re-enabling: since when events were skipped, so they can be recovered in one click.
  const [skippedSince, setSkippedSince] = useState<string | null>(null);
  const [recoverSince, setRecoverSince] = useState<string | undefined>();
  const update = useUpdateSubscription();
  const navigate = useNavigate();
  const notify = useNotify();
  const disabled = subscription.status === "disabled";

  const closeDialog = () => {
    setDialog(null);
    update.reset();
    remove.reset();
  };
  const openRecover = (since?: string) => {
    setRecoverSince(since);
    setDialog("recover");
  };
  const setStatus = (status: Subscription["status"]) => {
    update.mutate(
      { subscriptionId: id, patch: { status } },
      {
        onSuccess: () => {
          notify(status === "active" ? "Webhook enabled" : "Webhook disabled");
          setSkippedSince(status === "active" ? (subscription.disabled_at ?? null) : null);
          setDialog(null);
        },
      },
    );
  };

  return (
    <>
      <div className="mb-6 space-y-3">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold tracking-tight break-all text-slate-900 sm:text-2xl">{subscription.target_url}</h1>
          {subscription.description && <p className="text-sm text-slate-700">{subscription.description}</p>}
        </div>
        <div className="flex flex-wrap gap-2" role="group" aria-label="Webhook actions">
          <Button onClick={() => { setDialog("edit"); }}>Edit</Button>
          {disabled ? (
            <Button variant="primary" busy={update.isPending} onClick={() => { setStatus("active"); }}>
              Enable
            </Button>
          ) : (
            <Button onClick={() => { setDialog("disable"); }}>Disable</Button>
          )}
          <Button onClick={() => { setDialog("rotate"); }}>Rotate secret</Button>
          <Button onClick={() => { openRecover(); }}>Recover…</Button>
          <Button variant="danger" onClick={() => { setDialog("delete"); }}>
            Delete
          </Button>
        </div>
        {dialog === null && update.isError && <ErrorMessage error={update.error} title="The webhook was not enabled" />}
        {disabled ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
            <strong>Disabled</strong>
            {subscription.disabled_at && (
              <>
                {" "}since <time dateTime={subscription.disabled_at}>{formatDateTime(subscription.disabled_at)}</time>
              </>
            )}
            {subscription.disabled_reason && <>: {subscription.disabled_reason}</>}. It receives nothing; each matching event is recorded as a skipped attempt, to recover
            once it is enabled again.
          </p>
        ) : (
          skippedSince !== null && (
            <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950">
              <p>Enabled again. Events that matched while it was disabled were skipped; deliver them now?</p>
              <Button size="sm" variant="primary" onClick={() => { openRecover(skippedSince); }}>
                Recover skipped events
              </Button>
            </div>
          )
        )}
      </div>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] lg:items-start">
        <div className="space-y-4">
          <SettingsSection subscription={subscription} />
          <SendTestSection subscriptionId={id} />
        </div>
        <AttemptsSection
          subscriptionId={id}
          outcome={outcome}
          enabled={remove.isIdle || remove.isError}
          onOutcomeChange={(next) => {
            const params = new URLSearchParams(search);
            if (next === undefined) params.delete("outcome");
            else params.set("outcome", next);
            setSearch(params, { replace: true });
          }}
        />
      </div>

      <EditWebhookDialog subscription={subscription} open={dialog === "edit"} onClose={closeDialog} />
      <RotateSecretDialog subscriptionId={id} open={dialog === "rotate"} onClose={closeDialog} />
      <RecoverDialog subscriptionId={id} open={dialog === "recover"} since={recoverSince} disabled={disabled} onClose={closeDialog} />
      <ConfirmDialog
        open={dialog === "disable"}
        title="Disable this webhook?"
        confirmLabel="Disable webhook"
        busy={update.isPending}
        error={update.error}
        onCancel={closeDialog}
        onConfirm={() => { setStatus("disabled"); }}
      >
        Nothing is delivered to it until it is enabled again. Matching events are recorded as skipped attempts meanwhile, so you can recover them later; retries
        already scheduled are skipped too.
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "delete"}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busy={remove.isPending}
        error={remove.error}
        onCancel={closeDialog}
        onConfirm={() => {
          remove.mutate(id, {
            onSuccess: () => {
              notify("Webhook deleted");
              void navigate(paths.webhooks);
            },
          });
        }}
      >
        <p className="break-all">
          <strong>{subscription.target_url}</strong> stops receiving events at once; deliveries still queued for it are given up. Its attempts cannot be recovered.
        </p>
      </ConfirmDialog>
    </>
  );
}

function SettingsSection({ subscription }: { subscription: Subscription }) {
  const grace = previousSecretValid(subscription);
  return (
    <Section title="Settings">
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
        <dt className="text-slate-600">Status</dt>
        <dd>
          <WebhookStatusBadge status={subscription.status} />
        </dd>
        <dt className="text-slate-600">Event types</dt>
        <dd className="flex flex-wrap gap-1">
          {subscription.event_types.map((type) => (
            <Badge key={type} tone="info">
              {type}
            </Badge>
          ))}
        </dd>
        <dt className="text-slate-600">Signing secret</dt>
        <dd>
          {grace ? (
            <>
              Rotated; the previous secret also signs until{" "}
              <time dateTime={subscription.previous_secret_expires_at}>{formatDateTime(subscription.previous_secret_expires_at)}</time>
            </>
          ) : (
            "One secret, shown when it was made"
          )}
        </dd>
        <dt className="text-slate-600">Added</dt>
        <dd>
          <time dateTime={subscription.created_at}>{formatDateTime(subscription.created_at)}</time>
        </dd>
        {subscription.updated_at && (
          <>
            <dt className="text-slate-600">Changed</dt>
            <dd>
              <time dateTime={subscription.updated_at}>{formatDateTime(subscription.updated_at)}</time>
            </dd>
          </>
        )}
        <dt className="text-slate-600">Id</dt>
        <dd className="flex min-w-0 items-center gap-1">
          <code className="truncate font-mono text-xs">{subscription.subscription_id}</code>
          <CopyButton value={subscription.subscription_id} label="Copy id" variant="ghost" />
        </dd>
      </dl>
    </Section>
  );
}
