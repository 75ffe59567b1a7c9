import { describe, expect, it } from "vitest";

import type { components } from "@/api/schema";

import { changesOf, creationOf, draftOf, previousSecretValid } from "./webhook-draft";

const subscription: components["schemas"]["Subscription"] = {
  subscription_id: "sub_1",
  tenant_id: "demo",
  target_url: "https://example.com/hooks",
  event_types: ["order.*", "invoice.paid"],
  description: "Fulfilment",
  status: "active",
  created_at: "2026-03-01T12:00:00Z",
};

describe("creationOf", () => {
  it("trims, splits the event types and leaves a blank description out", () => {
    expect(creationOf({ targetUrl: " https://a.example/x ", eventTypes: "a.*, b", description: "  " })).toEqual({
      target_url: "https://a.example/x",
      event_types: ["a.*", "b"],
    });
  });
});

describe("changesOf", () => {
  it("sends nothing when nothing changed, however the types are spaced", () => {
    expect(changesOf(subscription, { ...draftOf(subscription), eventTypes: "order.*   invoice.paid" })).toEqual({});
  });

  it("sends only the fields that changed", () => {
    expect(changesOf(subscription, { ...draftOf(subscription), targetUrl: "https://example.com/v2" })).toEqual({ target_url: "https://example.com/v2" });
    expect(changesOf(subscription, { ...draftOf(subscription), eventTypes: "invoice.paid, order.*" })).toEqual({ event_types: ["invoice.paid", "order.*"] });
  });

  it("clears a blanked description with null, and sets a new one", () => {
    expect(changesOf(subscription, { ...draftOf(subscription), description: " " })).toEqual({ description: null });
    expect(changesOf({ ...subscription, description: null }, { ...draftOf(subscription), description: "New" })).toEqual({ description: "New" });
    expect(changesOf({ ...subscription, description: null }, { ...draftOf(subscription), description: "" })).toEqual({});
  });
});

describe("previousSecretValid", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("holds until the grace period ends", () => {
    expect(previousSecretValid({ ...subscription, previous_secret_expires_at: "2026-03-02T11:00:00Z" }, now)).toBe(true);
    expect(previousSecretValid({ ...subscription, previous_secret_expires_at: "2026-03-01T11:59:59Z" }, now)).toBe(false);
    expect(previousSecretValid(subscription, now)).toBe(false);
  });
});
