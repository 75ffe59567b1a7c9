import { describe, expect, it } from "vitest";

import { filtersFromSearch, hasNarrowingFilters, searchFromFilters } from "./filters";

describe("inbox filters in the URL", () => {
  it("default to pending and nothing else", () => {
    expect(filtersFromSearch(new URLSearchParams())).toEqual({ status: "pending" });
    expect(searchFromFilters({ status: "pending" }).toString()).toBe("");
  });

  it("round-trip every filter", () => {
    const filters = { status: "failed" as const, event_type: "order.created", source: "shop", since: "2026-01-01T00:00:00.000Z", until: "2026-01-02T00:00:00.000Z" };
    expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters);
    expect(hasNarrowingFilters(filters)).toBe(true);
  });

  it("ignore an unknown status, blank values and the open event", () => {
    const filters = filtersFromSearch(new URLSearchParams("status=acknowledged&source=%20%20&event=01abc"));
    expect(filters).toEqual({ status: "pending" });
    expect(hasNarrowingFilters(filters)).toBe(false);
  });
});
