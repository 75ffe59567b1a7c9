import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "@/api/schema";

import { getApiKey } from "./session";

type ErrorBody = components["schemas"]["ErrorBody"];

/** One line per field the API complained about (`event_type: String should match pattern …`). */
function detailLines(details: ErrorBody["details"]): string[] {
  return (details ?? []).flatMap((detail) => {
    const { field, message } = detail;
    if (typeof message !== "string") return [];
    return [typeof field === "string" && field !== "" ? `${field}: ${message}` : message];
  });
}

/** Why a call failed, in the words the API used: the envelope's message and request id. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null = null,
    readonly requestId: string | null = null,
    readonly details: string[] = [],
  ) {
    super(message);
  }

  /** API Gateway refused the key itself (wrong, revoked or expired): `403 {"message":"Forbidden"}`, no envelope. */
  get keyRefused(): boolean {
    return this.status === 403 && this.code === null;
  }
}

export const NETWORK_ERROR_STATUS = 0;

function isEnvelope(body: unknown): body is { error: ErrorBody } {
  return typeof body === "object" && body !== null && "error" in body && typeof body.error === "object";
}

export function toApiError(response: Response, body: unknown): ApiError {
  const gatewayRequestId = response.headers.get("apigw-requestid");
  if (isEnvelope(body)) {
    const { message, code, request_id, details } = body.error;
    return new ApiError(message, response.status, code, request_id ?? gatewayRequestId, detailLines(details));
  }
  if (response.status === 403) {
    return new ApiError("The API key was refused: it is wrong, revoked or expired.", 403, null, gatewayRequestId);
  }
  const message =
    typeof body === "object" && body !== null && "message" in body && typeof body.message === "string"
      ? body.message
      : `The API answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(message, response.status, null, gatewayRequestId);
}

const withApiKey: Middleware = {
  onRequest({ request }) {
    const key = getApiKey();
    // X-API-Key, not Authorization: behind CloudFront an origin request policy cannot forward Authorization.
    if (key !== null && !request.headers.has("x-api-key")) request.headers.set("x-api-key", key);
    return request;
  },
};

/** The one client every feature calls through: same origin as the console, typed from /openapi.json. */
// The origin spelled out, not left relative, so the same client also runs under jsdom in unit tests.
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(withApiKey);

interface CallResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The response body of a successful call; anything else becomes an ApiError. */
export async function unwrap<Data>(call: Promise<CallResult<Data>>): Promise<Data> {
  let result: CallResult<Data>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("Cannot reach the API. Is it running?", NETWORK_ERROR_STATUS);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as Data;
}
