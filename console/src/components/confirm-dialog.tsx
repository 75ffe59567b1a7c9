import type { ReactNode } from "react";

import { ErrorMessage } from "./states";
import { Button } from "./ui/button";
import { Dialog } from "./ui/dialog";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
}

/** Asks before anything that cannot be undone; the destructive button is never the default focus. */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel, busy = false, error }: ConfirmDialogProps) {
  return (
    <Dialog open={open} onClose={onCancel} title={title}>
      <div className="space-y-4 text-sm text-slate-700">
        <div>{children}</div>
        {error !== undefined && error !== null && <ErrorMessage error={error} title="That did not work" />}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onCancel}>
            Cancel
          </Button>
          <Button variant="danger" onClick={onConfirm} busy={busy}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
