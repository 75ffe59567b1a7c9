import { TextField } from "@/components/ui/field";

import type { WebhookDraft } from "../utils/webhook-draft";

/** The endpoint, event types and description of a webhook, as the add and edit forms ask for them. */
export function WebhookFields({ draft, onChange }: { draft: WebhookDraft; onChange: (draft: WebhookDraft) => void }) {
  const set = (field: keyof WebhookDraft) => (event: { currentTarget: { value: string } }) => {
    onChange({ ...draft, [field]: event.currentTarget.value });
  };
  return (
    <>
      <TextField
        label="Endpoint URL"
        type="url"
        required
        placeholder="https://example.com/webhooks"
        value={draft.targetUrl}
        onChange={set("targetUrl")}
        hint="Deployed, only public https URLs are accepted."
      />
      <TextField
        label="Event types"
        required
        value={draft.eventTypes}
        onChange={set("eventTypes")}
        hint="Comma-separated; * matches any part, e.g. order.* or *"
        spellCheck={false}
      />
      <TextField label="Description (optional)" maxLength={256} value={draft.description} onChange={set("description")} />
    </>
  );
}
