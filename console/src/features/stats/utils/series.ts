/** Each counter's colour: hex for the charts' SVG, a Tailwind class for the tiles (Tailwind's 600s). */
export const SERIES_COLORS = {
  ingested: "#4f46e5",
  delivered: "#059669",
  acknowledged: "#0284c7",
  failed: "#dc2626",
  attempts: "#475569",
  p50: "#4f46e5",
  p95: "#d97706",
} as const;

export const SERIES_TONES = {
  ingested: "border-l-indigo-600",
  delivered: "border-l-emerald-600",
  acknowledged: "border-l-sky-600",
  failed: "border-l-red-600",
  attempts: "border-l-slate-600",
} as const;
