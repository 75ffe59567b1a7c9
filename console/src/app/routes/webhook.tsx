import { useParams } from "react-router";

import { WebhookDetail } from "@/features/webhooks/components/webhook-detail";

export function WebhookRoute() {
  const { subscriptionId = "" } = useParams();
  // Keyed by the id: another webhook's page starts afresh (its dialogs closed, its test result gone).
  return (
    <>
      <title>Webhook · Triggers console</title>
      <WebhookDetail key={subscriptionId} subscriptionId={subscriptionId} />
    </>
  );
}
