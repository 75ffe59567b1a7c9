import { cn } from "@/lib/cn";

import { SERIES_TONES } from "../utils/series";
import type { Totals } from "../utils/ranges";

const TILES: [keyof Totals, string][] = [
  ["ingested", "Ingested"],
  ["delivered", "Delivered"],
  ["acknowledged", "Acknowledged"],
  ["failed", "Failed"],
  ["attempts", "Delivery attempts"],
];

const count = new Intl.NumberFormat();

/** The totals of a range, one tile each, in a region named by `label`. */
export function StatTiles({ totals, label }: { totals: Totals; label: string }) {
  return (
    <section aria-label={label}>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {TILES.map(([key, title]) => (
        <div key={key} className={cn("rounded-lg border border-l-4 border-slate-200 bg-white px-4 py-3", SERIES_TONES[key])}>
          <dt className="text-sm text-slate-600">{title}</dt>
          <dd className="text-2xl font-semibold text-slate-900 tabular-nums">{count.format(totals[key])}</dd>
        </div>
      ))}
      </dl>
    </section>
  );
}
