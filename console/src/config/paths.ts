import type { components } from "@/api/schema";

export const paths = {
  /** Redirects to the first page the key's scopes open. */
  home: "/",
  signIn: "/sign-in",
  overview: "/overview",
  events: "/events",
  webhooks: "/webhooks",
  metrics: "/metrics",
  keys: "/keys",
  audit: "/audit",
  /** Swagger UI, served by the API itself (locally and behind CloudFront). */
  apiDocs: "/docs",
} as const;

/** One webhook's page. */
export function webhookPath(subscriptionId: string): string {
  return `${paths.webhooks}/${encodeURIComponent(subscriptionId)}`;
}

/** The events page with one event's detail open (and, optionally, other filters). */
export function eventPath(eventId: string, filters: Record<string, string> = {}): string {
  return `${paths.events}?${new URLSearchParams({ ...filters, event: eventId }).toString()}`;
}

interface PageEntry {
  path: string;
  label: string;
  /** What a key needs for the page to show anything; without it the page is left out of the navigation. */
  scope: components["schemas"]["Scope"];
}

/** The pages behind a key, in navigation order. */
export const PAGES = [
  { path: paths.overview, label: "Overview", scope: "events:read" },
  { path: paths.events, label: "Events", scope: "events:read" },
  { path: paths.webhooks, label: "Webhooks", scope: "subscriptions:manage" },
  { path: paths.metrics, label: "Metrics", scope: "events:read" },
  { path: paths.keys, label: "API keys", scope: "keys:manage" },
  { path: paths.audit, label: "Audit log", scope: "keys:manage" },
] as const satisfies readonly PageEntry[];

export type Page = (typeof PAGES)[number];

/** The pages a key with these scopes can use, in navigation order. */
export function pagesFor(scopes: readonly PageEntry["scope"][]): Page[] {
  return PAGES.filter((page) => scopes.includes(page.scope));
}
