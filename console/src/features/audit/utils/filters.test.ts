import { expect, it } from "vitest";

import { filtersFromSearch, searchFromFilters } from "./filters";

it("round-trips the action and the time range through the URL", () => {
  const filters = { action: "key.revoked" as const, since: "2026-01-01T00:00:00.000Z", until: "2026-01-02T00:00:00.000Z" };
  expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters);
  expect(searchFromFilters({}).toString()).toBe("");
});

it("ignores an unknown action and blank values", () => {
  expect(filtersFromSearch(new URLSearchParams("action=key.stolen&since=%20"))).toEqual({});
});
