import type { components } from "@/api/schema";
import { Badge, type BadgeTone } from "@/components/ui/badge";

type EventStatus = components["schemas"]["EventStatus"];

const TONES: Record<EventStatus, BadgeTone> = {
  pending: "info",
  delivered: "success",
  acknowledged: "neutral",
  failed: "danger",
};

export function EventStatusBadge({ status }: { status: EventStatus }) {
  return <Badge tone={TONES[status]}>{status}</Badge>;
}
