import { useState, type SubmitEvent } from "react";

import { ErrorMessage } from "@/components/states";
import { useNotify } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

import type { Subscription } from "../api/get-subscription";
import { useUpdateSubscription } from "../api/update-subscription";
import { changesOf, draftOf } from "../utils/webhook-draft";

import { WebhookFields } from "./webhook-fields";

/** Change a webhook's endpoint, event types or description; only what changed is sent. */
export function EditWebhookDialog({ subscription, open, onClose }: { subscription: Subscription; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Edit webhook" description="Changes apply from the next delivery; the signing secret stays the same.">
      {/* The dialog mounts its body only while open, so every opening starts from the webhook as it is now. */}
      <EditWebhookForm subscription={subscription} onDone={onClose} />
    </Dialog>
  );
}

function EditWebhookForm({ subscription, onDone }: { subscription: Subscription; onDone: () => void }) {
  const update = useUpdateSubscription();
  const notify = useNotify();
  const [draft, setDraft] = useState(() => draftOf(subscription));

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const patch = changesOf(subscription, draft);
    if (Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    update.mutate(
      { subscriptionId: subscription.subscription_id, patch },
      {
        onSuccess: () => {
          notify("Webhook saved");
          onDone();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="space-y-4">
      <WebhookFields draft={draft} onChange={setDraft} />
      {update.isError && <ErrorMessage error={update.error} title="The webhook was not saved" />}
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
