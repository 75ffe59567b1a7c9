import { Badge, type BadgeTone } from "@/components/ui/badge";
import { useSignedInKey } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";

import type { AuditAction, AuditEntry } from "../api/get-audit";
import { ACTION_LABELS } from "../utils/actions";

function toneOf(action: AuditAction): BadgeTone {
  if (action.endsWith(".deleted") || action.endsWith(".revoked")) return "danger";
  if (action.endsWith(".disabled")) return "warning";
  if (action.endsWith(".created")) return "success";
  return "info";
}

/** Who did what to which, when, from where; the request id ties an entry to the API's logs. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const ownKeyId = useSignedInKey().key_id;
  const actor = (entry: AuditEntry) => (
    <>
      <span className="font-mono">{entry.actor_key_id}</span>
      {entry.actor_key_id === ownKeyId && " (this session)"}
    </>
  );

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      <table className="w-full table-fixed text-left text-sm">
        <caption className="sr-only">Audit log, newest first</caption>
        <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="w-28 px-3 py-2 sm:w-48">
              Time
            </th>
            <th scope="col" className="w-32 px-3 py-2 sm:w-52">
              Action
            </th>
            <th scope="col" className="px-3 py-2">
              Target
            </th>
            <th scope="col" className="hidden w-44 px-3 py-2 lg:table-cell">
              By key
            </th>
            <th scope="col" className="hidden px-3 py-2 xl:table-cell">
              Request id
            </th>
            <th scope="col" className="hidden w-36 px-3 py-2 xl:table-cell">
              Source IP
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {entries.map((entry) => (
            <tr key={entry.entry_id}>
              <td className="px-3 py-2 text-slate-700">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </td>
              <td className="px-3 py-2">
                <Badge tone={toneOf(entry.action)}>{ACTION_LABELS[entry.action]}</Badge>
                <span className="mt-1 block font-mono text-xs text-slate-600 [overflow-wrap:anywhere]">{entry.action}</span>
              </td>
              <td className="px-3 py-2 [overflow-wrap:anywhere]">
                <Targets entry={entry} />
                {/* What the hidden columns hold, on narrower screens. */}
                <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-600 xl:hidden">
                  <dt className="lg:hidden">By key</dt>
                  <dd className="lg:hidden">{actor(entry)}</dd>
                  <dt>Request</dt>
                  <dd className="font-mono">{entry.request_id ?? "—"}</dd>
                  <dt>From</dt>
                  <dd className="font-mono">{entry.source_ip ?? "—"}</dd>
                </dl>
              </td>
              <td className="hidden px-3 py-2 text-xs text-slate-700 [overflow-wrap:anywhere] lg:table-cell">{actor(entry)}</td>
              <td className="hidden px-3 py-2 font-mono text-xs text-slate-700 [overflow-wrap:anywhere] xl:table-cell">{entry.request_id ?? "—"}</td>
              <td className="hidden px-3 py-2 font-mono text-xs text-slate-700 [overflow-wrap:anywhere] xl:table-cell">{entry.source_ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One target as it is; several (a bulk ack) folded, every id a click away. */
function Targets({ entry }: { entry: AuditEntry }) {
  if (entry.targets.length <= 1) return <span className="font-mono text-xs text-slate-900">{entry.target}</span>;
  return (
    <details>
      <summary className="cursor-pointer text-slate-900">{entry.targets.length} targets</summary>
      <ul className="mt-1 space-y-0.5 font-mono text-xs text-slate-700">
        {entry.targets.map((target) => (
          <li key={target}>{target}</li>
        ))}
      </ul>
    </details>
  );
}
