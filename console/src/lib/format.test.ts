import { describe, expect, it } from "vitest";

import { formatRelative, isoToLocalInput, localInputToIso } from "./format";

describe("datetime-local inputs", () => {
  it("turn local wall time into the UTC instant the API expects", () => {
    expect(localInputToIso("2026-01-02T03:04")).toBe(new Date(2026, 0, 2, 3, 4).toISOString());
  });

  it("round-trip through the URL", () => {
    const iso = localInputToIso("2026-07-15T23:59");
    expect(isoToLocalInput(iso)).toBe("2026-07-15T23:59");
  });

  it("leave empty or broken values out", () => {
    expect(localInputToIso("")).toBeUndefined();
    expect(localInputToIso("tomorrow")).toBeUndefined();
    expect(isoToLocalInput(undefined)).toBe("");
    expect(isoToLocalInput("not a date")).toBe("");
  });
});

describe("formatRelative", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("picks the largest whole unit", () => {
    expect(formatRelative("2026-03-01T11:59:30Z", now)).toMatch(/30 seconds ago/);
    expect(formatRelative("2026-03-01T09:00:00Z", now)).toMatch(/3 hours ago/);
    expect(formatRelative("2026-02-27T12:00:00Z", now)).toMatch(/2 days ago/);
  });

  it("says now for the present moment", () => {
    expect(formatRelative("2026-03-01T12:00:00Z", now)).toBe("now");
  });
});
