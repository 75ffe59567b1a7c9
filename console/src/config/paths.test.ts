import { expect, it } from "vitest";

import { pagesFor } from "./paths";

it("offers only the pages a key's scopes open, in navigation order", () => {
  expect(pagesFor(["keys:manage", "events:read"]).map((page) => page.label)).toEqual(["Events", "API keys", "Audit log"]);
  expect(pagesFor(["subscriptions:manage"]).map((page) => page.label)).toEqual(["Webhooks"]);
  expect(pagesFor(["events:write"])).toEqual([]);
});
