import { Link, useSearchParams } from "react-router";

import type { components } from "@/api/schema";
import { formatDateTime, formatRelative } from "@/lib/format";

import { EventStatusBadge } from "./event-status-badge";

type Event = components["schemas"]["Event"];

/** Events in the order the API pages them; each type links to the event's detail (`?event=<id>`), keeping the filters. */
export function EventsTable({ events, order }: { events: Event[]; order: "asc" | "desc" }) {
  const [search] = useSearchParams();
  const detailLink = (eventId: string) => {
    const next = new URLSearchParams(search);
    next.set("event", eventId);
    return `?${next.toString()}`;
  };
  const now = new Date();

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      <table className="w-full table-fixed text-left text-sm">
        <caption className="sr-only">Events, {order === "desc" ? "newest" : "oldest"} first</caption>
        <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="w-24 px-3 py-2 sm:w-44">
              Received
            </th>
            <th scope="col" className="px-3 py-2">
              Type
            </th>
            <th scope="col" className="hidden px-3 py-2 md:table-cell">
              Source
            </th>
            <th scope="col" className="w-24 px-3 py-2 sm:w-28">
              Status
            </th>
            <th scope="col" className="hidden px-3 py-2 lg:table-cell">
              Event id
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((event) => (
            <tr key={event.event_id} className="hover:bg-slate-50">
              <td className="px-3 py-2 text-slate-700">
                <time dateTime={event.received_at} title={formatDateTime(event.received_at)}>
                  {formatRelative(event.received_at, now)}
                </time>
              </td>
              <td className="px-3 py-2 [overflow-wrap:anywhere]">
                <Link to={detailLink(event.event_id)} className="font-medium text-indigo-800 underline-offset-2 hover:underline">
                  {event.event_type}
                </Link>
              </td>
              <td className="hidden px-3 py-2 text-slate-700 [overflow-wrap:anywhere] md:table-cell">{event.source ?? "—"}</td>
              <td className="px-3 py-2">
                <EventStatusBadge status={event.status} />
              </td>
              <td className="hidden truncate px-3 py-2 font-mono text-xs text-slate-600 lg:table-cell">{event.event_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
