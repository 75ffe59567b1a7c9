import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { FailedEvents } from "@/features/events/components/failed-events";
import { StatsOverview } from "@/features/stats/components/stats-overview";
import { FailingWebhooks } from "@/features/webhooks/components/failing-webhooks";
import { useCan, useSignedInKey } from "@/lib/auth";

/** The start page: the last 24 hours, what is failing, and where to look next. */
export function OverviewRoute() {
  const current = useSignedInKey();
  const canManageWebhooks = useCan("subscriptions:manage");
  return (
    <>
      <title>Overview · Triggers console</title>
      <PageHeader title="Overview" description={`How tenant ${current.tenant_id} is doing: what came in, what went out, and what needs a look.`} />
      <div className="space-y-4">
        <StatsOverview />
        <div className="grid gap-4 lg:grid-cols-2 lg:items-start">
          {canManageWebhooks ? (
            <FailingWebhooks />
          ) : (
            <Section title="Failing webhooks">
              <p className="text-sm text-slate-600">
                Checking webhooks needs the <code className="font-mono">subscriptions:manage</code> scope, which this key does not have.
              </p>
            </Section>
          )}
          <FailedEvents />
        </div>
      </div>
    </>
  );
}
