import { expect, it } from "vitest";

import { eventPath, pagesFor, webhookPath } from "./paths";

it("offers only the pages a key's scopes open, in navigation order", () => {
  expect(pagesFor(["keys:manage", "events:read"]).map((page) => page.label)).toEqual(["Overview", "Events", "Metrics", "API keys", "Audit log"]);
  expect(pagesFor(["subscriptions:manage"]).map((page) => page.label)).toEqual(["Webhooks"]);
  expect(pagesFor(["events:write"])).toEqual([]);
});

it("links to one webhook and to one event's detail", () => {
  expect(webhookPath("sub/1")).toBe("/webhooks/sub%2F1");
  expect(eventPath("0190", { status: "failed" })).toBe("/events?status=failed&event=0190");
});
