import type { components } from "@/api/schema";

type ApiKey = components["schemas"]["ApiKey"];
export type KeyState = "active" | "revoked" | "expired";

/** Whether a key still opens the API; `now` is a parameter so tests need no fake clock. */
export function keyState(key: ApiKey, now: Date = new Date()): KeyState {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && new Date(key.expires_at) <= now) return "expired";
  return "active";
}
