import { useState, type SubmitEvent } from "react";

import { SecretReveal } from "@/components/secret-reveal";
import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";

import { useCreateSubscription } from "../api/create-subscription";
import { parseEventTypes } from "../utils/event-types";

/** Add a webhook, then show its signing secret once; closing the dialog forgets the secret. */
export function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateSubscription();
  const [targetUrl, setTargetUrl] = useState("");
  const [eventTypes, setEventTypes] = useState("*");
  const [description, setDescription] = useState("");

  const close = () => {
    create.reset();
    setTargetUrl("");
    setEventTypes("*");
    setDescription("");
    onClose();
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = description.trim();
    create.mutate({ target_url: targetUrl.trim(), event_types: parseEventTypes(eventTypes), ...(trimmed ? { description: trimmed } : {}) });
  };

  const created = create.data;
  return (
    <Dialog open={open} onClose={close} title={created ? "Webhook added" : "Add a webhook"} description={created ? undefined : "Events whose type matches are POSTed to this URL, signed per Standard Webhooks."}>
      {created ? (
        <div className="space-y-4">
          <p className="text-sm break-all text-slate-700">
            Deliveries to <strong>{created.target_url}</strong> carry a <code>webhook-signature</code> made with this secret.
          </p>
          <SecretReveal label="Signing secret" value={created.secret} />
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              I have stored the secret
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="Endpoint URL"
            type="url"
            required
            placeholder="https://example.com/webhooks"
            value={targetUrl}
            onChange={(event) => {
              setTargetUrl(event.currentTarget.value);
            }}
            hint="Deployed, only public https URLs are accepted."
          />
          <TextField
            label="Event types"
            required
            value={eventTypes}
            onChange={(event) => {
              setEventTypes(event.currentTarget.value);
            }}
            hint="Comma-separated; * matches any part, e.g. order.* or *"
            spellCheck={false}
          />
          <TextField
            label="Description (optional)"
            maxLength={256}
            value={description}
            onChange={(event) => {
              setDescription(event.currentTarget.value);
            }}
          />
          {create.isError && <ErrorMessage error={create.error} title="The webhook was not added" />}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Add webhook
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
