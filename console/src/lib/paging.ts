import type { components } from "@/api/schema";

type Pagination = components["schemas"]["Pagination"];

/** The cursor-paging half of `infiniteQueryOptions` for any of the API's listings (`{…, pagination}`). */
export const cursorPaging = {
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (page: { pagination: Pagination }) => page.pagination.next_cursor ?? undefined,
};

/** The query a page asks with: the filters, a page size and, after the first page, the cursor. */
export function pageQuery<Filters extends object>(filters: Filters, limit: number, cursor: string | undefined) {
  return { ...filters, limit, ...(cursor === undefined ? {} : { cursor }) };
}
