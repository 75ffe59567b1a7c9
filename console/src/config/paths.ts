export const paths = {
  signIn: "/sign-in",
  events: "/events",
  webhooks: "/webhooks",
  keys: "/keys",
  /** Swagger UI, served by the API itself (locally and behind CloudFront). */
  apiDocs: "/docs",
} as const;
