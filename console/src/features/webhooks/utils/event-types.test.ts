import { expect, it } from "vitest";

import { parseEventTypes } from "./event-types";

it("splits on commas and whitespace and drops duplicates", () => {
  expect(parseEventTypes(" order.*, invoice.paid\norder.*  ,, *")).toEqual(["order.*", "invoice.paid", "*"]);
  expect(parseEventTypes("  ")).toEqual([]);
});
