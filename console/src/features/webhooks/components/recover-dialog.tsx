import { useState, type SubmitEvent } from "react";

import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { formatDateTime, isoToLocalInput, localInputToIso } from "@/lib/format";

import { useRecoverDeliveries, type RecoverWindow } from "../api/recover";

const DAY_MS = 86_400_000;

export interface RecoverDialogProps {
  subscriptionId: string;
  open: boolean;
  /** Where the window starts when the dialog opens (e.g. when the webhook was disabled); 24 h ago otherwise. */
  since?: string | undefined;
  /** A disabled webhook skips what is recovered all over again: said before anything is sent. */
  disabled: boolean;
  onClose: () => void;
}

/** Delivers again what failed or was skipped since a time; the dialog is the confirmation, and it follows `resume_since` on request. */
export function RecoverDialog({ subscriptionId, open, since, disabled, onClose }: RecoverDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title="Recover deliveries" description="Every event whose delivery to this webhook failed or was skipped in the window is delivered again.">
      <RecoverForm subscriptionId={subscriptionId} since={since} disabled={disabled} onDone={onClose} />
    </Dialog>
  );
}

function RecoverForm({ subscriptionId, since, disabled, onDone }: Omit<RecoverDialogProps, "open" | "onClose"> & { onDone: () => void }) {
  const recover = useRecoverDeliveries();
  const [draft, setDraft] = useState(() => ({ since: isoToLocalInput(since ?? new Date(Date.now() - DAY_MS).toISOString()), until: "" }));
  const [queued, setQueued] = useState<number | null>(null);

  const run = (window: RecoverWindow) => {
    recover.mutate(
      { subscriptionId, window },
      {
        onSuccess: (recovery) => {
          setQueued((total) => (total ?? 0) + recovery.queued);
        },
      },
    );
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const from = localInputToIso(draft.since);
    const until = localInputToIso(draft.until);
    if (from !== undefined) run({ since: from, ...(until === undefined ? {} : { until }) });
  };
  const until = localInputToIso(draft.until);
  const resumeSince = recover.data?.resume_since ?? null;

  if (queued !== null) {
    return (
      <div className="space-y-4 text-sm text-slate-700">
        <p role="status" className="font-medium text-slate-900">
          {queued === 0 ? "Nothing to recover in that window." : `${queued} ${queued === 1 ? "event" : "events"} queued for delivery again.`}
        </p>
        {resumeSince !== null && (
          <p>
            One call recovers a bounded number; the window holds more, from <time dateTime={resumeSince}>{formatDateTime(resumeSince)}</time> on.
          </p>
        )}
        {recover.isError && <ErrorMessage error={recover.error} title="The recovery stopped" />}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onDone} variant={resumeSince === null ? "primary" : "secondary"}>
            Done
          </Button>
          {resumeSince !== null && (
            <Button variant="primary" busy={recover.isPending} onClick={() => { run({ since: resumeSince, ...(until === undefined ? {} : { until }) }); }}>
              Continue from there
            </Button>
          )}
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Since"
          type="datetime-local"
          required
          value={draft.since}
          onChange={(event) => {
            const { value } = event.currentTarget;
            setDraft((current) => ({ ...current, since: value }));
          }}
        />
        <TextField
          label="Until (optional)"
          type="datetime-local"
          value={draft.until}
          onChange={(event) => {
            const { value } = event.currentTarget;
            setDraft((current) => ({ ...current, until: value }));
          }}
          hint="Empty: up to now."
        />
      </div>
      <p className="text-sm text-slate-700">An event delivered since, or already on its way again, is not sent twice.</p>
      {disabled && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          This webhook is disabled: what is recovered now is skipped again. Enable it first.
        </p>
      )}
      {recover.isError && <ErrorMessage error={recover.error} title="Nothing was recovered" />}
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={recover.isPending}>
          Recover deliveries
        </Button>
      </div>
    </form>
  );
}
