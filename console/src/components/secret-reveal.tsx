import { useId } from "react";

import { CopyButton } from "./copy-button";

/** A secret the API returns once: shown in full with a copy button and a plain warning. */
export function SecretReveal({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4">
      <label htmlFor={id} className="block text-sm font-medium text-amber-950">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(event) => {
            event.currentTarget.select();
          }}
          className="h-8 min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-2 font-mono text-sm"
        />
        <CopyButton value={value} variant="primary" aria-label={`Copy ${label.toLowerCase()}`} />
      </div>
      <p className="text-sm text-amber-950">
        <strong>This is the only time it is shown.</strong> Store it now; the API keeps only what it needs to check it.
      </p>
      {children}
    </div>
  );
}
