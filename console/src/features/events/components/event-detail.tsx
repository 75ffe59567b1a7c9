import { useState } from "react";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { CopyButton } from "@/components/copy-button";
import { JsonViewer } from "@/components/json-viewer";
import { ErrorMessage, ErrorState, LoadingState } from "@/components/states";
import { useNotify } from "@/components/toaster";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useCan } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";

import { useAckEvent } from "../api/ack-event";
import { useDeleteEvent } from "../api/delete-event";
import { useEvent } from "../api/get-event";
import { useReplayEvent } from "../api/replay-event";

import { DeliveryAttempts } from "./delivery-attempts";
import { EventStatusBadge } from "./event-status-badge";

/** The event's detail panel: payload, every delivery attempt, and what can be done to it. */
export function EventDetail({ eventId, onClose }: { eventId: string; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} placement="side" title="Event" description={<code className="font-mono break-all">{eventId}</code>}>
      <EventDetailBody eventId={eventId} onDeleted={onClose} />
    </Dialog>
  );
}

function EventDetailBody({ eventId, onDeleted }: { eventId: string; onDeleted: () => void }) {
  const erase = useDeleteEvent();
  const event = useEvent(eventId, { enabled: erase.isIdle || erase.isError });
  const ack = useAckEvent();
  const replay = useReplayEvent();
  const notify = useNotify();
  const canWrite = useCan("events:write");
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  if (event.isPending) return <LoadingState label="Loading the event…" />;
  if (event.isError) {
    return <ErrorState error={event.error} title="Could not load this event" onRetry={() => void event.refetch()} />;
  }
  const { data } = event;
  const actionError = ack.error ?? replay.error;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <EventStatusBadge status={data.status} />
        <span className="font-semibold break-all text-slate-900">{data.event_type}</span>
        <CopyButton value={data.event_id} label="Copy id" variant="ghost" />
      </div>

      <div className="flex flex-wrap gap-2" role="group" aria-label="Event actions">
        <Button
          variant="primary"
          busy={ack.isPending}
          disabled={data.status === "acknowledged"}
          onClick={() => {
            ack.mutate(eventId, { onSuccess: () => { setDone("Acknowledged: it has left the inbox."); } });
          }}
        >
          Acknowledge
        </Button>
        {canWrite ? (
          <>
            <Button
              busy={replay.isPending}
              onClick={() => {
                replay.mutate(eventId, { onSuccess: () => { setDone("Replayed: pending again and delivered once more."); } });
              }}
            >
              Replay
            </Button>
            <Button variant="danger" onClick={() => { setConfirmingDelete(true); }}>
              Delete
            </Button>
          </>
        ) : (
          <p className="self-center text-sm text-slate-600">
            Replay and delete need the <code className="font-mono">events:write</code> scope.
          </p>
        )}
      </div>
      <p role="status" className="text-sm text-emerald-800 empty:hidden">
        {done}
      </p>
      {actionError !== null && <ErrorMessage error={actionError} title="That did not work" />}

      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-slate-600">Received</dt>
        <dd>
          <time dateTime={data.received_at}>{formatDateTime(data.received_at)}</time>
        </dd>
        <dt className="text-slate-600">Source</dt>
        <dd className="break-all">{data.source ?? "—"}</dd>
        {data.acknowledged_at !== null && data.acknowledged_at !== undefined && (
          <>
            <dt className="text-slate-600">Acknowledged</dt>
            <dd>
              <time dateTime={data.acknowledged_at}>{formatDateTime(data.acknowledged_at)}</time>
            </dd>
          </>
        )}
        <dt className="text-slate-600">Tags</dt>
        <dd className="flex flex-wrap gap-1">
          {data.tags && data.tags.length > 0 ? data.tags.map((tag) => <Badge key={tag}>{tag}</Badge>) : "—"}
        </dd>
      </dl>

      <JsonViewer value={data.payload} label="Payload" />
      {data.metadata && Object.keys(data.metadata).length > 0 && <JsonViewer value={data.metadata} label="Metadata" />}
      <DeliveryAttempts delivery={data.delivery} />

      <ConfirmDialog
        open={confirmingDelete}
        title="Delete this event?"
        confirmLabel="Delete event"
        busy={erase.isPending}
        error={erase.error}
        onCancel={() => {
          setConfirmingDelete(false);
          erase.reset();
        }}
        onConfirm={() => {
          erase.mutate(eventId, {
            onSuccess: () => {
              notify("Event deleted");
              onDeleted();
            },
          });
        }}
      >
        The event, its payload and its delivery records are erased for good. Webhooks that already received it keep their copy.
      </ConfirmDialog>
    </div>
  );
}
