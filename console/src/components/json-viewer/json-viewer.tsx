import { useMemo } from "react";

import { CopyButton } from "../copy-button";

import { jsonTokens, type TokenKind } from "./tokens";

const COLOURS: Record<TokenKind, string> = {
  key: "text-indigo-800",
  string: "text-emerald-800",
  number: "text-amber-800",
  literal: "text-fuchsia-800",
  plain: "text-slate-700",
};

/** Pretty JSON with colour and a copy button; long lines wrap, so a payload never scrolls the page sideways. */
export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  const tokens = useMemo(() => jsonTokens(value), [value]);
  const text = useMemo(() => tokens.map((token) => token.text).join(""), [tokens]);
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50">
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-1.5 text-xs font-medium text-slate-600">
        {label}
        <CopyButton value={text} variant="ghost" aria-label={`Copy ${label}`} />
      </div>
      <pre className="max-h-96 overflow-auto p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap" tabIndex={0} role="region" aria-label={label}>
        {tokens.map((token, index) => (
          // Tokens never move, so their position is a stable key.
          <span key={index} className={COLOURS[token.kind]}>
            {token.text}
          </span>
        ))}
      </pre>
    </div>
  );
}
