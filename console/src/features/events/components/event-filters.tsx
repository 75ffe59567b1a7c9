import { useState, type SubmitEvent } from "react";

import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { isoToLocalInput, localInputToIso } from "@/lib/format";

import { EVENT_STATUSES, isEventStatus, type EventFilters } from "../api/get-events";

interface Draft {
  status: string; // "" for any status
  order: "desc" | "asc";
  event_type: string;
  source: string;
  since: string; // datetime-local values, local time
  until: string;
}

function draftOf(filters: EventFilters): Draft {
  return {
    status: filters.status ?? "",
    order: filters.order ?? "desc",
    event_type: filters.event_type ?? "",
    source: filters.source ?? "",
    since: isoToLocalInput(filters.since),
    until: isoToLocalInput(filters.until),
  };
}

function filtersOf(draft: Draft): EventFilters {
  const filters: EventFilters = {};
  const eventType = draft.event_type.trim();
  const source = draft.source.trim();
  const since = localInputToIso(draft.since);
  const until = localInputToIso(draft.until);
  if (isEventStatus(draft.status)) filters.status = draft.status;
  if (draft.order === "asc") filters.order = "asc";
  if (eventType) filters.event_type = eventType;
  if (source) filters.source = source;
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
  return filters;
}

export function EventFilterForm({ filters, onApply }: { filters: EventFilters; onApply: (filters: EventFilters) => void }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const set = (field: keyof Draft) => (event: { currentTarget: { value: string } }) => {
    const { value } = event.currentTarget;
    setDraft((current) => ({ ...current, [field]: value }));
  };
  // A select is one click; apply it at once, with whatever else the form holds.
  const applyAtOnce = (field: "status" | "order") => (event: { currentTarget: { value: string } }) => {
    const next = { ...draft, [field]: event.currentTarget.value };
    setDraft(next);
    onApply(filtersOf(next));
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(filtersOf(draft));
  };

  return (
    <form onSubmit={submit} aria-label="Filter events" className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 xl:grid-cols-[repeat(4,minmax(0,1fr))_repeat(2,minmax(0,1.4fr))_auto]">
      <SelectField label="Status" value={draft.status} onChange={applyAtOnce("status")}>
        <option value="">Any status</option>
        {EVENT_STATUSES.map((status) => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </SelectField>
      <SelectField label="Order" value={draft.order} onChange={applyAtOnce("order")}>
        <option value="desc">Newest first</option>
        <option value="asc">Oldest first</option>
      </SelectField>
      <TextField label="Event type" placeholder="order.created" value={draft.event_type} onChange={set("event_type")} spellCheck={false} />
      <TextField label="Source" placeholder="shop" value={draft.source} onChange={set("source")} spellCheck={false} />
      <TextField label="Received after" type="datetime-local" value={draft.since} onChange={set("since")} className="col-span-2 sm:col-span-2 xl:col-span-1" />
      <TextField label="Received before" type="datetime-local" value={draft.until} onChange={set("until")} className="col-span-2 sm:col-span-2 xl:col-span-1" />
      <div className="col-span-2 flex gap-2 sm:col-span-4 sm:justify-end xl:col-span-1">
        <Button type="submit" variant="primary" className="flex-1 sm:flex-none">
          Apply
        </Button>
        <Button
          type="button"
          className="flex-1 sm:flex-none"
          onClick={() => {
            const cleared = draftOf({});
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
