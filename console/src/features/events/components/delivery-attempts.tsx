import { Link } from "react-router";

import type { components } from "@/api/schema";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { webhookPath } from "@/config/paths";
import { useCan } from "@/lib/auth";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";

type DeliverySummary = components["schemas"]["DeliverySummary"];
type DeliveryOutcome = components["schemas"]["DeliveryOutcome"];

const OUTCOME_TONES: Record<DeliveryOutcome, BadgeTone> = {
  delivered: "success",
  retrying: "warning",
  failed: "danger",
  skipped: "neutral",
};

/** Every attempt to deliver the event to a webhook, oldest first, with what the receiver answered. */
export function DeliveryAttempts({ delivery }: { delivery: DeliverySummary | undefined }) {
  const history = delivery?.history ?? [];
  const pending = delivery?.pending_subscriptions ?? [];
  const failed = delivery?.failed_subscriptions ?? [];
  const canManageWebhooks = useCan("subscriptions:manage");

  return (
    <section aria-labelledby="delivery-heading" className="space-y-3">
      <h3 id="delivery-heading" className="text-sm font-semibold text-slate-900">
        Delivery attempts <span className="font-normal text-slate-600">({history.length})</span>
      </h3>
      {(pending.length > 0 || failed.length > 0) && (
        <p className="text-sm text-slate-700">
          {pending.length > 0 && `Still being delivered to ${pending.length} webhook${pending.length === 1 ? "" : "s"}. `}
          {failed.length > 0 && `Gave up on ${failed.length} webhook${failed.length === 1 ? "" : "s"} after the last retry.`}
        </p>
      )}
      {history.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
          No delivery attempts. Events are pushed to the webhooks whose event types match; pull them from the inbox otherwise.
        </p>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Delivery attempts">
          {history.map((attempt) => (
            <li key={`${attempt.subscription_id}-${attempt.attempt}`} className="grid gap-1 px-3 py-2 text-sm sm:grid-cols-[auto_1fr_auto] sm:items-center sm:gap-3">
              <span className="font-medium text-slate-900">Attempt {attempt.attempt}</span>
              <span className="flex flex-wrap items-center gap-2">
                <Badge tone={OUTCOME_TONES[attempt.outcome]}>{attempt.outcome}</Badge>
                {/* A skipped attempt sent nothing (the webhook was disabled): no answer, no time to show. */}
                {attempt.outcome !== "skipped" && (
                  <>
                    <span className="text-slate-700">{attempt.status_code == null ? "no response" : `HTTP ${attempt.status_code}`}</span>
                    <span className="text-slate-600">{attempt.latency_ms} ms</span>
                  </>
                )}
              </span>
              <time dateTime={attempt.at} className="text-slate-600">
                {formatDateTime(attempt.at)}
              </time>
              <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-600 sm:col-span-3">
                <dt>Webhook</dt>
                <dd className="font-mono break-all">
                  {canManageWebhooks ? (
                    <Link to={webhookPath(attempt.subscription_id)} className="text-indigo-800 underline underline-offset-2">
                      {attempt.subscription_id}
                    </Link>
                  ) : (
                    attempt.subscription_id
                  )}
                </dd>
                <dt>webhook-id</dt>
                <dd className="font-mono break-all">{attempt.webhook_id}</dd>
              </dl>
              {attempt.error && attempt.error !== `HTTP ${String(attempt.status_code)}` && (
                <span className={cn("text-sm break-words sm:col-span-3", attempt.outcome === "skipped" ? "text-slate-700" : "text-red-800")}>{attempt.error}</span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
