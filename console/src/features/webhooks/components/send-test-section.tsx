import { Section } from "@/components/section";
import { ErrorMessage } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

import { useSendTest, type SendTestResult } from "../api/send-test";

/** Sends a signed `triggers.test` event now and shows how the endpoint answered. */
export function SendTestSection({ subscriptionId }: { subscriptionId: string }) {
  const send = useSendTest();
  return (
    <Section
      title="Test delivery"
      actions={
        <Button variant="primary" size="sm" busy={send.isPending} onClick={() => { send.mutate(subscriptionId); }}>
          Send test
        </Button>
      }
    >
      <p className="text-sm text-slate-600">
        POSTs a signed <code className="font-mono">triggers.test</code> event to the endpoint now, with the same signature, rules and deadline as real deliveries. It is not
        stored and not retried.
      </p>
      <div aria-live="polite" className="empty:hidden">
        {send.isSuccess && <TestResult result={send.data} />}
      </div>
      {send.isError && <ErrorMessage error={send.error} title="The test was not sent" />}
    </Section>
  );
}

function TestResult({ result }: { result: SendTestResult }) {
  const succeeded = result.outcome === "succeeded";
  return (
    <div className="mt-3 space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" role="group" aria-label="Test result">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={succeeded ? "success" : "danger"}>{succeeded ? "succeeded" : "failed"}</Badge>
        <span className="text-slate-800">{result.status_code === null ? "no response" : `HTTP ${result.status_code}`}</span>
        <span className="text-slate-600">in {result.latency_ms} ms</span>
      </p>
      {result.error && result.error !== `HTTP ${String(result.status_code)}` && <p className="break-words text-red-800">{result.error}</p>}
      {result.response_excerpt !== "" && (
        <figure className="space-y-1">
          <figcaption className="text-xs font-medium text-slate-600">The endpoint answered</figcaption>
          {/* At most 1 KiB, wrapped: it never needs a scrollbar. */}
          <pre className="rounded border border-slate-200 bg-white p-2 font-mono text-xs whitespace-pre-wrap text-slate-800 [overflow-wrap:anywhere]">
            {result.response_excerpt}
          </pre>
        </figure>
      )}
    </div>
  );
}
