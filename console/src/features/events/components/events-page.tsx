import { useSearchParams } from "react-router";

import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

import { useInbox, type InboxFilters } from "../api/get-inbox";
import { filtersFromSearch, hasNarrowingFilters, searchFromFilters } from "../utils/filters";

import { EventDetail } from "./event-detail";
import { EventFilters } from "./event-filters";
import { EventsTable } from "./events-table";

export function EventsPage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const openEventId = search.get("event");
  const inbox = useInbox(filters);

  const applyFilters = (next: InboxFilters) => {
    setSearch(searchFromFilters(next));
  };
  const closeDetail = () => {
    const next = new URLSearchParams(search);
    next.delete("event");
    setSearch(next);
  };

  return (
    <>
      <PageHeader
        title="Events"
        description={
          <>
            The inbox, oldest first. <LiveIndicator /> It refreshes itself every {LIVE_REFRESH_MS / 1000} seconds.
          </>
        }
      />
      {/* Remounted when the URL changes (back button, Clear), so the form always shows the filters in force. */}
      <EventFilters key={searchFromFilters(filters).toString()} filters={filters} onApply={applyFilters} />
      <EventsResult inbox={inbox} narrowed={hasNarrowingFilters(filters)} status={filters.status} />
      {openEventId !== null && <EventDetail key={openEventId} eventId={openEventId} onClose={closeDetail} />}
    </>
  );
}

function LiveIndicator() {
  return (
    <span className="inline-flex items-center gap-1.5 font-medium text-emerald-800">
      <span aria-hidden className="size-2 rounded-full bg-emerald-600 motion-safe:animate-pulse" />
      Live.
    </span>
  );
}

function EventsResult({ inbox, narrowed, status }: { inbox: ReturnType<typeof useInbox>; narrowed: boolean; status: InboxFilters["status"] }) {
  if (inbox.isPending) return <LoadingState label="Loading events…" />;
  if (inbox.isError) return <ErrorState error={inbox.error} title="Could not load events" onRetry={() => void inbox.refetch()} />;
  const events = inbox.data.pages.flatMap((page) => page.events);
  if (events.length === 0) {
    return (
      <EmptyState title={narrowed ? `No ${status} events match these filters` : `No ${status} events`}>
        {narrowed
          ? "Try a wider time range, or clear the filters."
          : "Send one with POST /v1/events and it shows up here within seconds, no reload needed."}
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <EventsTable events={events} />
      <div className="flex items-center justify-between gap-3 text-sm text-slate-600">
        <span aria-live="polite">
          {events.length} event{events.length === 1 ? "" : "s"} shown
        </span>
        {inbox.hasNextPage && (
          <Button busy={inbox.isFetchingNextPage} onClick={() => void inbox.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
    </div>
  );
}
