import { describe, expect, it } from "vitest";

import { jsonTokens } from "./tokens";

describe("jsonTokens", () => {
  const value = { order_id: "o-1", total: -42.5e2, paid: true, note: null, items: [{ sku: "a \"quoted\" : b" }] };

  it("joins back into the pretty-printed JSON", () => {
    expect(jsonTokens(value).map((token) => token.text).join("")).toBe(JSON.stringify(value, null, 2));
  });

  it("tells keys from string values, and numbers from literals", () => {
    const kinds = jsonTokens(value).filter((token) => token.kind !== "plain");
    expect(kinds.map((token) => [token.kind, token.text])).toEqual([
      ["key", '"order_id"'],
      ["string", '"o-1"'],
      ["key", '"total"'],
      ["number", "-4250"],
      ["key", '"paid"'],
      ["literal", "true"],
      ["key", '"note"'],
      ["literal", "null"],
      ["key", '"items"'],
      ["key", '"sku"'],
      ["string", '"a \\"quoted\\" : b"'],
    ]);
  });
});
