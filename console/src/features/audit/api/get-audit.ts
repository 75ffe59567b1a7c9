import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";

import type { components, paths } from "@/api/schema";
import { api, unwrap } from "@/lib/api-client";
import { cursorPaging, pageQuery } from "@/lib/paging";

type AuditQuery = NonNullable<paths["/v1/audit"]["get"]["parameters"]["query"]>;
export type AuditAction = components["schemas"]["AuditAction"];
export type AuditEntry = components["schemas"]["AuditEntry"];
export type AuditFilters = Omit<AuditQuery, "limit" | "cursor">;

const PAGE_SIZE = 50;

export function getAuditPage(query: AuditQuery, signal?: AbortSignal) {
  return unwrap(api.GET("/v1/audit", { params: { query }, signal }));
}

export function auditQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: ["audit", filters],
    queryFn: ({ pageParam, signal }) => getAuditPage(pageQuery(filters, PAGE_SIZE, pageParam), signal),
    ...cursorPaging,
  });
}

/** The tenant's audit log, newest first. */
export function useAudit(filters: AuditFilters) {
  return useInfiniteQuery(auditQueryOptions(filters));
}
