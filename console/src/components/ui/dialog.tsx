import { useEffect, useId, useRef, type ReactNode } from "react";

import { cn } from "@/lib/cn";

import { Button } from "./button";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** "center" for forms and confirmations, "side" for a detail panel (full screen on a phone). */
  placement?: "center" | "side";
  children: ReactNode;
}

/**
 * A modal on the native `<dialog>`: the browser traps focus, closes it on Escape and returns focus
 * to the opener, and nothing is injected into the page (the console's CSP allows no inline styles).
 * Every way of closing it (Escape, the close button, `open` turning false) ends in one `onClose`.
 */
export function Dialog({ open, onClose, title, description, placement = "center", children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      onClose={(event) => {
        // React bubbles a nested dialog's close through this one; only its own closing counts.
        if (event.target === event.currentTarget) onClose();
      }}
      aria-labelledby={titleId}
      aria-describedby={description === undefined ? undefined : descriptionId}
      className={cn(
        "bg-white text-slate-900 shadow-xl backdrop:bg-slate-900/40",
        placement === "center"
          ? "m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg"
          : "my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-3xl sm:w-[min(48rem,92vw)]",
      )}
    >
      {open && (
        <div className="flex max-h-[inherit] flex-col">
          <header className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-lg font-semibold break-words">
                {title}
              </h2>
              {description !== undefined && (
                <p id={descriptionId} className="mt-1 text-sm text-slate-600">
                  {description}
                </p>
              )}
            </div>
            <Button variant="ghost" size="sm" onClick={() => ref.current?.close()} aria-label="Close">
              <span aria-hidden className="text-lg leading-none">
                ×
              </span>
            </Button>
          </header>
          <div className="overflow-y-auto px-5 py-4">{children}</div>
        </div>
      )}
    </dialog>
  );
}
