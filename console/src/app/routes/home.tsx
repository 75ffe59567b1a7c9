import { Navigate } from "react-router";

import { PageHeader } from "@/components/page-header";
import { EmptyState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { pagesFor } from "@/config/paths";
import { useSignedInKey } from "@/lib/auth";
import { signOut } from "@/lib/session";

/** The first page the key may open; a key that may open none (e.g. one that only sends events) is told so. */
export function HomeRoute() {
  const current = useSignedInKey();
  const [first] = pagesFor(current.scopes);
  if (first !== undefined) return <Navigate to={first.path} replace />;
  return (
    <>
      <title>Triggers console</title>
      <PageHeader title="Nothing to show for this key" />
      <EmptyState title="This key opens no page of the console" action={<Button onClick={signOut}>Sign in with another key</Button>}>
        <strong className="break-all">{current.name}</strong> has {current.scopes.length > 0 ? <code className="font-mono">{current.scopes.join(", ")}</code> : "no scope"}; the
        console needs <code className="font-mono">events:read</code>, <code className="font-mono">subscriptions:manage</code> or{" "}
        <code className="font-mono">keys:manage</code>.
      </EmptyState>
    </>
  );
}
