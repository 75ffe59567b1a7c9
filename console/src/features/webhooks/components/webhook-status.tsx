import { Badge } from "@/components/ui/badge";

import type { Subscription } from "../api/get-subscription";

export function WebhookStatusBadge({ status }: { status: Subscription["status"] }) {
  return <Badge tone={status === "active" ? "success" : "warning"}>{status}</Badge>;
}
