import { isEventStatus, type EventFilters } from "../api/get-events";

const TEXT_FILTERS = ["event_type", "source", "since", "until"] as const;

/** The filters a URL holds (`?status=failed&event_type=order.created`); the URL is the filter state, so views can be shared. */
export function filtersFromSearch(search: URLSearchParams): EventFilters {
  const filters: EventFilters = {};
  const status = search.get("status");
  if (isEventStatus(status)) filters.status = status;
  if (search.get("order") === "asc") filters.order = "asc";
  for (const name of TEXT_FILTERS) {
    const value = search.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** The reverse: only what differs from the defaults (any status, newest first), so a plain /events stays plain. */
export function searchFromFilters(filters: EventFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status) search.set("status", filters.status);
  if (filters.order === "asc") search.set("order", "asc");
  for (const name of TEXT_FILTERS) {
    const value = filters[name];
    if (value) search.set(name, value);
  }
  return search;
}

/** Whether the filters leave some events out (the order does not). */
export function hasNarrowingFilters(filters: EventFilters): boolean {
  return filters.status !== undefined || TEXT_FILTERS.some((name) => Boolean(filters[name]));
}
