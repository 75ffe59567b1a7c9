import { useState, type SubmitEvent } from "react";

import { SecretReveal } from "@/components/secret-reveal";
import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

import { useCreateSubscription } from "../api/create-subscription";
import { creationOf, NEW_WEBHOOK } from "../utils/webhook-draft";

import { WebhookFields } from "./webhook-fields";

/** Add a webhook, then show its signing secret once; closing the dialog forgets the secret. */
export function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateSubscription();
  const [draft, setDraft] = useState(NEW_WEBHOOK);

  const close = () => {
    create.reset();
    setDraft(NEW_WEBHOOK);
    onClose();
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(creationOf(draft));
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
          <WebhookFields draft={draft} onChange={setDraft} />
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
