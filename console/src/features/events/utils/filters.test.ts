import { describe, expect, it } from "vitest";

import { filtersFromSearch, hasNarrowingFilters, searchFromFilters } from "./filters";

describe("event filters in the URL", () => {
  it("default to every status, newest first", () => {
    expect(filtersFromSearch(new URLSearchParams())).toEqual({});
    expect(searchFromFilters({}).toString()).toBe("");
    expect(searchFromFilters({ order: "desc" }).toString()).toBe("");
  });

  it("round-trip every filter, acknowledged included", () => {
    const filters = {
      status: "acknowledged" as const,
      order: "asc" as const,
      event_type: "order.created",
      source: "shop",
      since: "2026-01-01T00:00:00.000Z",
      until: "2026-01-02T00:00:00.000Z",
    };
    expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters);
    expect(hasNarrowingFilters(filters)).toBe(true);
  });

  it("ignore an unknown status or order, blank values and the open event", () => {
    const filters = filtersFromSearch(new URLSearchParams("status=gone&order=sideways&source=%20%20&event=01abc"));
    expect(filters).toEqual({});
    expect(hasNarrowingFilters(filters)).toBe(false);
    expect(hasNarrowingFilters({ order: "asc" })).toBe(false);
  });
});
