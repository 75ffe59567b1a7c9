import { EventsPage } from "@/features/events/components/events-page";

export function EventsRoute() {
  return (
    <>
      <title>Events · Triggers console</title>
      <EventsPage />
    </>
  );
}
