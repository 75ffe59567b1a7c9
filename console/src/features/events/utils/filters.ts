import { isInboxStatus, type InboxFilters } from "../api/get-inbox";

const TEXT_FILTERS = ["event_type", "source", "since", "until"] as const;

/** The filters a URL holds (`?status=failed&event_type=order.created`); the URL is the filter state, so views can be shared. */
export function filtersFromSearch(search: URLSearchParams): InboxFilters {
  const status = search.get("status");
  const filters: InboxFilters = { status: isInboxStatus(status) ? status : "pending" };
  for (const name of TEXT_FILTERS) {
    const value = search.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** The reverse: only what differs from the defaults, so a plain /events stays plain. */
export function searchFromFilters(filters: InboxFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status !== "pending") search.set("status", filters.status);
  for (const name of TEXT_FILTERS) {
    const value = filters[name];
    if (value) search.set(name, value);
  }
  return search;
}

export function hasNarrowingFilters(filters: InboxFilters): boolean {
  return TEXT_FILTERS.some((name) => Boolean(filters[name]));
}
