import type { AuditAction } from "../api/get-audit";

/** What each action means; a Record over AuditAction, so an action added to the API fails the type check until it is described. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  "key.created": "Key created",
  "key.revoked": "Key revoked",
  "subscription.created": "Webhook added",
  "subscription.updated": "Webhook edited",
  "subscription.disabled": "Webhook disabled",
  "subscription.enabled": "Webhook enabled",
  "subscription.deleted": "Webhook deleted",
  "subscription.secret_rotated": "Webhook secret rotated",
  "subscription.recovered": "Webhook deliveries recovered",
  "subscription.tested": "Webhook tested",
  "event.acknowledged": "Event acknowledged",
  "event.replayed": "Event replayed",
  "event.deleted": "Event deleted",
};

export const AUDIT_ACTIONS = Object.keys(ACTION_LABELS) as AuditAction[];

export function isAuditAction(value: string | null): value is AuditAction {
  return AUDIT_ACTIONS.some((action) => action === value);
}
