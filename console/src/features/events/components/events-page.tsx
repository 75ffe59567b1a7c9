import { useSearchParams } from "react-router";

import { KeepLooking, LoadMore } from "@/components/load-more";
import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { LIVE_REFRESH_MS } from "@/lib/query-client";

import { useEvents, type EventFilters } from "../api/get-events";
import { filtersFromSearch, hasNarrowingFilters, searchFromFilters } from "../utils/filters";

import { EventDetail } from "./event-detail";
import { EventFilterForm } from "./event-filters";
import { EventsTable } from "./events-table";

export function EventsPage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const openEventId = search.get("event");
  const events = useEvents(filters);

  const applyFilters = (next: EventFilters) => {
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
            Every event in retention, whatever its status. <LiveIndicator /> It refreshes itself every {LIVE_REFRESH_MS / 1000} seconds.
          </>
        }
      />
      {/* Remounted when the URL changes (back button, Clear), so the form always shows the filters in force. */}
      <EventFilterForm key={searchFromFilters(filters).toString()} filters={filters} onApply={applyFilters} />
      <EventsResult events={events} filters={filters} />
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

function EventsResult({ events, filters }: { events: ReturnType<typeof useEvents>; filters: EventFilters }) {
  if (events.isPending) return <LoadingState label="Loading events…" />;
  if (events.isError) return <ErrorState error={events.error} title="Could not load events" onRetry={() => void events.refetch()} />;
  const shown = events.data.pages.flatMap((page) => page.events);
  if (shown.length === 0 && events.hasNextPage) return <KeepLooking query={events} pages={events.data.pages.length} noun="matching events" />;
  if (shown.length === 0) {
    return hasNarrowingFilters(filters) ? (
      <EmptyState title="No events match these filters">Try another status or a wider time range, or clear the filters. New matches show up here as they arrive.</EmptyState>
    ) : (
      <EmptyState title="No events yet">Send one with POST /v1/events and it shows up here within seconds, no reload needed.</EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <EventsTable events={shown} order={filters.order ?? "desc"} />
      <LoadMore shown={shown.length} noun={["event", "events"]} query={events} />
    </div>
  );
}
