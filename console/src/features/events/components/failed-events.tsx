import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { Section } from "@/components/section";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { eventPath, paths } from "@/config/paths";
import { formatDateTime, formatRelative } from "@/lib/format";

import { getEventsPage } from "../api/get-events";

const SHOWN = 5;
const REFRESH_MS = 30_000;

/** The latest events whose delivery gave up after the last retry; each opens in the events page. */
export function FailedEvents() {
  const failed = useQuery({
    queryKey: ["events", { status: "failed" }, "latest"],
    queryFn: ({ signal }) => getEventsPage({ status: "failed", limit: SHOWN }, signal),
    refetchInterval: REFRESH_MS,
  });

  return (
    <Section
      title="Failed events"
      actions={
        <Link to={`${paths.events}?status=failed`} className="text-sm font-medium text-indigo-800 underline-offset-2 hover:underline">
          All failed events
        </Link>
      }
    >
      {failed.isPending ? (
        <LoadingState label="Loading failed events…" />
      ) : failed.isError ? (
        <ErrorState error={failed.error} title="Could not load failed events" onRetry={() => void failed.refetch()} />
      ) : failed.data.events.length === 0 ? (
        <EmptyState title="No failed events">An event whose delivery gives up after the last retry shows up here, to replay once the webhook is fixed.</EmptyState>
      ) : (
        <ul aria-label="Failed events" className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {failed.data.events.map((event) => (
            <li key={event.event_id} className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5 px-3 py-2 text-sm">
              <Link to={eventPath(event.event_id, { status: "failed" })} className="min-w-0 font-medium [overflow-wrap:anywhere] text-indigo-800 underline-offset-2 hover:underline">
                {event.event_type}
              </Link>
              <span className="text-slate-600">
                {event.source && <>{event.source} · </>}
                <time dateTime={event.received_at} title={formatDateTime(event.received_at)}>
                  {formatRelative(event.received_at)}
                </time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
