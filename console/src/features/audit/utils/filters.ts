import type { AuditFilters } from "../api/get-audit";

import { isAuditAction } from "./actions";

const TIME_FILTERS = ["since", "until"] as const;

/** The filters a URL holds (`?action=key.revoked&since=…`), so a view of the log can be shared. */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  const action = search.get("action");
  if (isAuditAction(action)) filters.action = action;
  for (const name of TIME_FILTERS) {
    const value = search.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

export function searchFromFilters(filters: AuditFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.action) search.set("action", filters.action);
  for (const name of TIME_FILTERS) {
    const value = filters[name];
    if (value) search.set(name, value);
  }
  return search;
}
