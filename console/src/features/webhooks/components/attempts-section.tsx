import { Link } from "react-router";

import { KeepLooking, LoadMore } from "@/components/load-more";
import { Section } from "@/components/section";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { ToggleGroup } from "@/components/ui/toggle-group";
import { eventPath } from "@/config/paths";
import { useCan } from "@/lib/auth";
import { cn } from "@/lib/cn";
import { formatDateTime, formatRelative } from "@/lib/format";

import { ATTEMPT_OUTCOMES, useAttempts, type AttemptOutcome, type SubscriptionAttempt } from "../api/get-attempts";

const OUTCOME_TONES: Record<AttemptOutcome, BadgeTone> = { succeeded: "success", failed: "danger", skipped: "neutral" };
const OUTCOME_LABELS: Record<AttemptOutcome, string> = { succeeded: "Succeeded", failed: "Failed", skipped: "Skipped" };
const OUTCOME_CHOICES = [[undefined, "All"], ...ATTEMPT_OUTCOMES.map((outcome) => [outcome, OUTCOME_LABELS[outcome]] as const)] as const;

export interface AttemptsSectionProps {
  subscriptionId: string;
  outcome: AttemptOutcome | undefined;
  onOutcomeChange: (outcome: AttemptOutcome | undefined) => void;
  /** False while the webhook is being deleted, so nothing asks for its attempts after it is gone. */
  enabled: boolean;
}

/** Every attempt to deliver to this webhook, newest first, filtered by outcome, a page at a time. */
export function AttemptsSection({ subscriptionId, outcome, onOutcomeChange, enabled }: AttemptsSectionProps) {
  const attempts = useAttempts(subscriptionId, outcome === undefined ? {} : { outcome }, { enabled });
  return (
    <Section title="Delivery attempts" actions={<ToggleGroup label="Show attempts" options={OUTCOME_CHOICES} value={outcome} onChange={onOutcomeChange} />}>
      {attempts.isPending ? (
        <LoadingState label="Loading attempts…" />
      ) : attempts.isError ? (
        <ErrorState error={attempts.error} title="Could not load the attempts" onRetry={() => void attempts.refetch()} />
      ) : attempts.data.pages.every((page) => page.attempts.length === 0) && attempts.hasNextPage ? (
        <KeepLooking query={attempts} pages={attempts.data.pages.length} noun="matching attempts" />
      ) : attempts.data.pages.every((page) => page.attempts.length === 0) ? (
        outcome === undefined ? (
          <EmptyState title="No attempts yet">Each delivery of a matching event, each retry and each event held back while disabled shows up here as it happens.</EmptyState>
        ) : (
          <EmptyState title={`No ${outcome} attempts`}>Attempts with another outcome are under All.</EmptyState>
        )
      ) : (
        <div className="space-y-3">
          <AttemptList attempts={attempts.data.pages.flatMap((page) => page.attempts)} />
          <LoadMore shown={attempts.data.pages.reduce((count, page) => count + page.attempts.length, 0)} noun={["attempt", "attempts"]} query={attempts} />
        </div>
      )}
    </Section>
  );
}

function AttemptList({ attempts }: { attempts: SubscriptionAttempt[] }) {
  const canReadEvents = useCan("events:read");
  const now = new Date();
  return (
    <ol aria-label="Attempts" className="divide-y divide-slate-100 rounded-md border border-slate-200">
      {attempts.map((attempt) => (
        <li key={attempt.attempt_id} className="grid gap-1 px-3 py-2 text-sm sm:grid-cols-[8rem_1fr_auto] sm:items-baseline sm:gap-3">
          <time dateTime={attempt.at} title={formatDateTime(attempt.at)} className="text-slate-600">
            {formatRelative(attempt.at, now)}
          </time>
          <span className="min-w-0 [overflow-wrap:anywhere]">
            {canReadEvents ? (
              <Link to={eventPath(attempt.event_id)} className="font-medium text-indigo-800 underline-offset-2 hover:underline">
                {attempt.event_type}
              </Link>
            ) : (
              <span className="font-medium text-slate-900">{attempt.event_type}</span>
            )}
            <span className="block font-mono text-xs text-slate-600">{attempt.event_id}</span>
          </span>
          <span className="flex flex-wrap items-center gap-2 sm:justify-end">
            <span className="text-slate-600">#{attempt.attempt}</span>
            <Badge tone={OUTCOME_TONES[attempt.outcome]}>{attempt.outcome}</Badge>
            {attempt.will_retry && <Badge tone="warning">will retry</Badge>}
            {attempt.outcome !== "skipped" && (
              <span className="text-slate-700">
                {attempt.status_code == null ? "no response" : `HTTP ${attempt.status_code}`} · {attempt.latency_ms} ms
              </span>
            )}
          </span>
          {attempt.error && attempt.error !== `HTTP ${String(attempt.status_code)}` && (
            <span className={cn("text-sm break-words sm:col-span-3", attempt.outcome === "skipped" ? "text-slate-700" : "text-red-800")}>{attempt.error}</span>
          )}
        </li>
      ))}
    </ol>
  );
}
