import { SecretReveal } from "@/components/secret-reveal";
import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime } from "@/lib/format";

import { useRotateSecret } from "../api/rotate-secret";

/** Asks first, then shows the new secret once and until when the old one still signs; closing forgets the secret. */
export function RotateSecretDialog({ subscriptionId, open, onClose }: { subscriptionId: string; open: boolean; onClose: () => void }) {
  const rotate = useRotateSecret();
  const close = () => {
    rotate.reset();
    onClose();
  };

  const rotated = rotate.data;
  return (
    <Dialog open={open} onClose={close} title={rotated ? "Secret rotated" : "Rotate the signing secret?"}>
      {rotated ? (
        <div className="space-y-4 text-sm text-slate-700">
          <SecretReveal label="New signing secret" value={rotated.secret} />
          <p>
            The previous secret keeps working until{" "}
            <time dateTime={rotated.previous_secret_expires_at} className="font-medium text-slate-900">
              {formatDateTime(rotated.previous_secret_expires_at)}
            </time>
            : until then every delivery carries both signatures (<code className="font-mono">v1,&lt;new&gt; v1,&lt;old&gt;</code>), so your receiver can switch to the new secret
            without missing one.
          </p>
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              I have stored the secret
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-4 text-sm text-slate-700">
          <p>
            A new signing secret is made now and shown once. The current one keeps signing too for 24 hours, so deliveries carry both signatures while your receiver
            switches.
          </p>
          {rotate.isError && <ErrorMessage error={rotate.error} title="The secret was not rotated" />}
          <div className="flex flex-wrap justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" busy={rotate.isPending} onClick={() => { rotate.mutate(subscriptionId); }}>
              Rotate secret
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
