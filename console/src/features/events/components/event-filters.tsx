import { useState, type SubmitEvent } from "react";

import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { isoToLocalInput, localInputToIso } from "@/lib/format";

import { INBOX_STATUSES, isInboxStatus, type InboxFilters, type InboxStatus } from "../api/get-inbox";

interface Draft {
  status: InboxStatus;
  event_type: string;
  source: string;
  since: string; // datetime-local values, local time
  until: string;
}

function draftOf(filters: InboxFilters): Draft {
  return {
    status: filters.status,
    event_type: filters.event_type ?? "",
    source: filters.source ?? "",
    since: isoToLocalInput(filters.since),
    until: isoToLocalInput(filters.until),
  };
}

function filtersOf(draft: Draft): InboxFilters {
  const filters: InboxFilters = { status: draft.status };
  const eventType = draft.event_type.trim();
  const source = draft.source.trim();
  const since = localInputToIso(draft.since);
  const until = localInputToIso(draft.until);
  if (eventType) filters.event_type = eventType;
  if (source) filters.source = source;
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
  return filters;
}

export function EventFilters({ filters, onApply }: { filters: InboxFilters; onApply: (filters: InboxFilters) => void }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const set = (field: keyof Draft) => (event: { currentTarget: { value: string } }) => {
    const { value } = event.currentTarget;
    setDraft((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(filtersOf(draft));
  };

  return (
    <form onSubmit={submit} aria-label="Filter events" className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 xl:grid-cols-6">
      <SelectField
        label="Status"
        value={draft.status}
        onChange={(event) => {
          // A status is one click; apply it at once, with whatever else the form holds.
          const { value } = event.currentTarget;
          if (!isInboxStatus(value)) return;
          const next = { ...draft, status: value };
          setDraft(next);
          onApply(filtersOf(next));
        }}
      >
        {INBOX_STATUSES.map((status) => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </SelectField>
      <TextField label="Event type" placeholder="order.created" value={draft.event_type} onChange={set("event_type")} spellCheck={false} />
      <TextField label="Source" placeholder="shop" value={draft.source} onChange={set("source")} spellCheck={false} className="col-span-2 sm:col-span-1" />
      <TextField label="Received after" type="datetime-local" value={draft.since} onChange={set("since")} className="col-span-2 sm:col-span-1" />
      <TextField label="Received before" type="datetime-local" value={draft.until} onChange={set("until")} className="col-span-2 sm:col-span-1" />
      <div className="col-span-2 flex gap-2 sm:col-span-1">
        <Button type="submit" variant="primary" className="flex-1">
          Apply
        </Button>
        <Button
          type="button"
          className="flex-1"
          onClick={() => {
            const cleared = draftOf({ status: draft.status });
            setDraft(cleared);
            onApply(filtersOf(cleared));
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
