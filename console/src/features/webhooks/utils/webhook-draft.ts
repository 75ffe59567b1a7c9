import type { components } from "@/api/schema";

import { parseEventTypes } from "./event-types";

type Subscription = components["schemas"]["Subscription"];
type SubscriptionIn = components["schemas"]["SubscriptionIn"];
type SubscriptionPatch = components["schemas"]["SubscriptionPatch"];

/** What the webhook form holds, as typed. */
export interface WebhookDraft {
  targetUrl: string;
  eventTypes: string; // comma- or space-separated patterns
  description: string;
}

export const NEW_WEBHOOK: WebhookDraft = { targetUrl: "", eventTypes: "*", description: "" };

export function draftOf(subscription: Subscription): WebhookDraft {
  return {
    targetUrl: subscription.target_url,
    eventTypes: subscription.event_types.join(", "),
    description: subscription.description ?? "",
  };
}

/** The create request: a blank description is left out. */
export function creationOf(draft: WebhookDraft): SubscriptionIn {
  const description = draft.description.trim();
  return { target_url: draft.targetUrl.trim(), event_types: parseEventTypes(draft.eventTypes), ...(description ? { description } : {}) };
}

/** The PATCH for an edit: only the fields that changed (the API changes only those); a blanked description is `null`, which clears it. */
export function changesOf(subscription: Subscription, draft: WebhookDraft): SubscriptionPatch {
  const wanted = creationOf(draft);
  const patch: SubscriptionPatch = {};
  if (wanted.target_url !== subscription.target_url) patch.target_url = wanted.target_url;
  if (wanted.event_types.join("\n") !== subscription.event_types.join("\n")) patch.event_types = wanted.event_types;
  const description = wanted.description ?? null;
  if (description !== (subscription.description ?? null)) patch.description = description;
  return patch;
}

/** Whether deliveries are still signed with the previous secret too (the 24 h after a rotation). */
export function previousSecretValid(subscription: Subscription, now: Date = new Date()): subscription is Subscription & { previous_secret_expires_at: string } {
  const expires = subscription.previous_secret_expires_at;
  return typeof expires === "string" && new Date(expires).getTime() > now.getTime();
}
