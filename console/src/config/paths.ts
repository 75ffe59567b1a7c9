import type { components } from "@/api/schema";

export const paths = {
  /** Redirects to the first page the key's scopes open. */
  home: "/",
  signIn: "/sign-in",
  events: "/events",
  webhooks: "/webhooks",
  keys: "/keys",
  audit: "/audit",
  /** Swagger UI, served by the API itself (locally and behind CloudFront). */
  apiDocs: "/docs",
} as const;

interface PageEntry {
  path: string;
  label: string;
  /** What a key needs for the page to show anything; without it the page is left out of the navigation. */
  scope: components["schemas"]["Scope"];
}

/** The pages behind a key, in navigation order. */
export const PAGES = [
  { path: paths.events, label: "Events", scope: "events:read" },
  { path: paths.webhooks, label: "Webhooks", scope: "subscriptions:manage" },
  { path: paths.keys, label: "API keys", scope: "keys:manage" },
  { path: paths.audit, label: "Audit log", scope: "keys:manage" },
] as const satisfies readonly PageEntry[];

export type Page = (typeof PAGES)[number];

/** The pages a key with these scopes can use, in navigation order. */
export function pagesFor(scopes: readonly PageEntry["scope"][]): Page[] {
  return PAGES.filter((page) => scopes.includes(page.scope));
}
