import { describe, expect, it } from "vitest";

import { ApiError, toApiError, unwrap } from "./api-client";

const response = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe("toApiError", () => {
  it("keeps the envelope's message, code, request id and field details", () => {
    const error = toApiError(response(400), {
      error: {
        code: "VALIDATION_ERROR",
        message: "Request is invalid",
        details: [{ field: "event_type", message: "String should match pattern" }, { message: "no field" }, { field: "x" }],
        request_id: "req-1",
      },
    });
    expect(error).toMatchObject({ status: 400, code: "VALIDATION_ERROR", message: "Request is invalid", requestId: "req-1" });
    expect(error.details).toEqual(["event_type: String should match pattern", "no field"]);
    expect(error.keyRefused).toBe(false);
  });

  it("tells a refused key (the gateway's bare 403) from a missing scope (an envelope 403)", () => {
    const refused = toApiError(response(403, { "apigw-requestid": "gw-1" }), { message: "Forbidden" });
    expect(refused.keyRefused).toBe(true);
    expect(refused.requestId).toBe("gw-1");
    expect(refused.message).toMatch(/wrong, revoked or expired/);

    const scope = toApiError(response(403), { error: { code: "FORBIDDEN", message: "Needs events:read" } });
    expect(scope.keyRefused).toBe(false);
  });

  it("falls back to the gateway's message or the status", () => {
    expect(toApiError(response(413), { message: "Request Entity Too Large" }).message).toBe("Request Entity Too Large");
    expect(toApiError(response(502), "<html>").message).toMatch(/502/);
  });
});

describe("unwrap", () => {
  it("returns the body of a success", async () => {
    await expect(unwrap(Promise.resolve({ data: { ok: true }, response: response(200) }))).resolves.toEqual({ ok: true });
  });

  it("throws an ApiError for a failure and for an unreachable API", async () => {
    await expect(unwrap(Promise.resolve({ error: { message: "Forbidden" }, response: response(403) }))).rejects.toBeInstanceOf(ApiError);
    await expect(unwrap(Promise.reject(new TypeError("Failed to fetch")))).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/Cannot reach/) as unknown });
  });
});
