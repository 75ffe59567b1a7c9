import { expect, it } from "vitest";

import { keyState } from "./key-state";

const key = { key_id: "k", tenant_id: "t", name: "n", scopes: [], hint: "h", created_at: "2026-01-01T00:00:00Z" };
const now = new Date("2026-06-01T00:00:00Z");

it("is revoked, expired or active, revocation first", () => {
  expect(keyState(key, now)).toBe("active");
  expect(keyState({ ...key, expires_at: "2026-07-01T00:00:00Z" }, now)).toBe("active");
  expect(keyState({ ...key, expires_at: "2026-05-01T00:00:00Z" }, now)).toBe("expired");
  expect(keyState({ ...key, expires_at: "2026-05-01T00:00:00Z", revoked_at: "2026-04-01T00:00:00Z" }, now)).toBe("revoked");
});
