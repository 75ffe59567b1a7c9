import { PageHeader } from "@/components/page-header";
import { EmptyState } from "@/components/states";
import { Button } from "@/components/ui/button";
import type { Page } from "@/config/paths";
import { useSignedInKey } from "@/lib/auth";
import { signOut } from "@/lib/session";

/** A page the signed-in key's scopes do not open (reached by a link or a typed URL; the navigation leaves it out). */
export function ScopeRefusedRoute({ page }: { page: Page }) {
  const current = useSignedInKey();
  return (
    <>
      <title>{`${page.label} · Triggers console`}</title>
      <PageHeader title={page.label} />
      <EmptyState title="This key may not open this page" action={<Button onClick={signOut}>Sign in with another key</Button>}>
        <strong className="break-all">{current.name}</strong> does not have the <code className="font-mono">{page.scope}</code> scope. Sign in with a key
        that has it, or ask someone who manages the keys of <strong className="break-all">{current.tenant_id}</strong> for one.
      </EmptyState>
    </>
  );
}
