import { useSearchParams } from "react-router";

import { KeepLooking, LoadMore } from "@/components/load-more";
import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";

import { useAudit, type AuditFilters } from "../api/get-audit";
import { filtersFromSearch, searchFromFilters } from "../utils/filters";

import { AuditFilterForm } from "./audit-filters";
import { AuditTable } from "./audit-table";

export function AuditPage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const audit = useAudit(filters);
  const narrowed = searchFromFilters(filters).size > 0;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made to keys, webhooks and events, newest first, with the key that made it, its request id and where it came from."
      />
      {/* Remounted when the URL changes (back button, Clear), so the form always shows the filters in force. */}
      <AuditFilterForm
        key={searchFromFilters(filters).toString()}
        filters={filters}
        onApply={(next: AuditFilters) => {
          setSearch(searchFromFilters(next));
        }}
      />
      {audit.isPending ? (
        <LoadingState label="Loading the audit log…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} title="Could not load the audit log" onRetry={() => void audit.refetch()} />
      ) : audit.data.pages.every((page) => page.entries.length === 0) && audit.hasNextPage ? (
        <KeepLooking query={audit} pages={audit.data.pages.length} noun="matching entries" />
      ) : audit.data.pages.every((page) => page.entries.length === 0) ? (
        narrowed ? (
          <EmptyState title="No entries match these filters">Try another action or a wider time range, or clear the filters.</EmptyState>
        ) : (
          <EmptyState title="Nothing recorded yet">Creating or revoking a key, changing a webhook, and replaying, acknowledging or deleting an event are recorded here.</EmptyState>
        )
      ) : (
        <div className="space-y-3">
          <AuditTable entries={audit.data.pages.flatMap((page) => page.entries)} />
          <LoadMore shown={audit.data.pages.reduce((count, page) => count + page.entries.length, 0)} noun={["entry", "entries"]} query={audit} />
        </div>
      )}
    </>
  );
}
