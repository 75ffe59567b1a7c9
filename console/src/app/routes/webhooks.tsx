import { WebhooksPage } from "@/features/webhooks/components/webhooks-page";

export function WebhooksRoute() {
  return (
    <>
      <title>Webhooks · Triggers console</title>
      <WebhooksPage />
    </>
  );
}
