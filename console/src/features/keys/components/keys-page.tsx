import { useState } from "react";

import type { components } from "@/api/schema";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { PageHeader } from "@/components/page-header";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { useNotify } from "@/components/toaster";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useSignedInKey } from "@/lib/auth";
import { formatDateTime, formatRelative } from "@/lib/format";
import { signOut } from "@/lib/session";

import { useKeys } from "../api/get-keys";
import { useRevokeKey } from "../api/revoke-key";
import { keyState, type KeyState } from "../utils/key-state";

import { CreateKeyDialog } from "./create-key-dialog";

type ApiKey = components["schemas"]["ApiKey"];

const STATE_TONES: Record<KeyState, BadgeTone> = { active: "success", revoked: "neutral", expired: "warning" };

export function KeysPage() {
  const keys = useKeys();
  const ownKeyId = useSignedInKey().key_id;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useRevokeKey();
  const notify = useNotify();

  const createButton = (
    <Button variant="primary" onClick={() => { setCreating(true); }}>
      Create key
    </Button>
  );
  const cancelRevoke = () => {
    setRevoking(null);
    revoke.reset();
  };
  const now = new Date();

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for your systems and teammates. Each carries only the scopes it needs. Last use is recorded at most once an hour."
        actions={createButton}
      />
      {keys.isPending ? (
        <LoadingState label="Loading API keys…" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} title="Could not load API keys" onRetry={() => void keys.refetch()} />
      ) : keys.data.keys.length === 0 ? (
        <EmptyState title="No API keys" action={createButton} />
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" aria-label="API keys">
          {keys.data.keys.map((key) => {
            const state = keyState(key, now);
            const own = key.key_id === ownKeyId;
            return (
              <li key={key.key_id} className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0 space-y-1">
                  <p className="flex flex-wrap items-center gap-2">
                    <span className="font-medium break-all text-slate-900">{key.name}</span>
                    <Badge tone={STATE_TONES[state]}>{state}</Badge>
                    {own && <Badge tone="info">this session</Badge>}
                  </p>
                  <p className="font-mono text-xs break-all text-slate-600">
                    {key.hint}
                  </p>
                  <div className="flex flex-wrap gap-1.5">
                    {key.scopes.map((scope) => (
                      <Badge key={scope}>{scope}</Badge>
                    ))}
                  </div>
                  <p className="text-xs text-slate-600">
                    <LastUse at={key.last_used_at} now={now} />
                    {" · "}created <time dateTime={key.created_at}>{formatDateTime(key.created_at)}</time>
                    {key.expires_at && (
                      <>
                        {" · "}expires <time dateTime={key.expires_at}>{formatDateTime(key.expires_at)}</time>
                      </>
                    )}
                    {key.revoked_at && (
                      <>
                        {" · "}revoked <time dateTime={key.revoked_at}>{formatDateTime(key.revoked_at)}</time>
                      </>
                    )}
                    {key.rate_limit_per_second != null && ` · ${key.rate_limit_per_second} requests/s`}
                  </p>
                </div>
                {state === "active" && (
                  <Button size="sm" onClick={() => { setRevoking(key); }} aria-label={`Revoke key ${key.name}`}>
                    Revoke
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <CreateKeyDialog open={creating} onClose={() => { setCreating(false); }} />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        busy={revoke.isPending}
        error={revoke.error}
        onCancel={cancelRevoke}
        onConfirm={() => {
          if (revoking === null) return;
          revoke.mutate(revoking.key_id, {
            onSuccess: () => {
              notify(`Key ${revoking.name} revoked`);
              setRevoking(null);
              // The API may honour a cached decision for a while; this session stops now.
              if (revoking.key_id === ownKeyId) signOut();
            },
          });
        }}
      >
        <p>
          Requests with <strong className="break-all">{revoking?.name}</strong> are refused from now on (within the API's key cache time). This cannot be undone.
        </p>
        {revoking?.key_id === ownKeyId && <p className="mt-2 font-medium text-red-800">You are signed in with this key: revoking it signs you out.</p>}
      </ConfirmDialog>
    </>
  );
}

function LastUse({ at, now }: { at: string | null | undefined; now: Date }) {
  if (!at) return <>never used</>;
  return (
    <>
      last used{" "}
      <time dateTime={at} title={formatDateTime(at)}>
        {formatRelative(at, now)}
      </time>
    </>
  );
}
