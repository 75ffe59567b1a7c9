import { useState, type SubmitEvent } from "react";

import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { isoToLocalInput, localInputToIso } from "@/lib/format";

import type { AuditFilters } from "../api/get-audit";
import { ACTION_LABELS, AUDIT_ACTIONS, isAuditAction } from "../utils/actions";

interface Draft {
  action: string; // "" for any action
  since: string; // datetime-local values, local time
  until: string;
}

function filtersOf(draft: Draft): AuditFilters {
  const filters: AuditFilters = {};
  const since = localInputToIso(draft.since);
  const until = localInputToIso(draft.until);
  if (isAuditAction(draft.action)) filters.action = draft.action;
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
  return filters;
}

export function AuditFilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const [draft, setDraft] = useState<Draft>(() => ({
    action: filters.action ?? "",
    since: isoToLocalInput(filters.since),
    until: isoToLocalInput(filters.until),
  }));
  const set = (field: keyof Draft) => (event: { currentTarget: { value: string } }) => {
    const { value } = event.currentTarget;
    setDraft((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(filtersOf(draft));
  };

  return (
    <form onSubmit={submit} aria-label="Filter the audit log" className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 lg:grid-cols-4">
      <SelectField
        label="Action"
        value={draft.action}
        className="col-span-2 lg:col-span-1"
        onChange={(event) => {
          // One click: applied at once, with whatever else the form holds.
          const next = { ...draft, action: event.currentTarget.value };
          setDraft(next);
          onApply(filtersOf(next));
        }}
      >
        <option value="">Any action</option>
        {AUDIT_ACTIONS.map((action) => (
          <option key={action} value={action}>
            {ACTION_LABELS[action]} ({action})
          </option>
        ))}
      </SelectField>
      <TextField label="After" type="datetime-local" value={draft.since} onChange={set("since")} className="col-span-2 sm:col-span-1" />
      <TextField label="Before" type="datetime-local" value={draft.until} onChange={set("until")} className="col-span-2 sm:col-span-1" />
      <div className="col-span-2 flex gap-2 lg:col-span-1">
        <Button type="submit" variant="primary" className="flex-1">
          Apply
        </Button>
        <Button
          type="button"
          className="flex-1"
          onClick={() => {
            setDraft({ action: "", since: "", until: "" });
            onApply({});
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
