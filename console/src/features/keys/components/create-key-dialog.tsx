import { useState, type SubmitEvent } from "react";

import { SecretReveal } from "@/components/secret-reveal";
import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { useSignedInKey } from "@/lib/auth";
import { cn } from "@/lib/cn";
import { localInputToIso } from "@/lib/format";

import { useCreateKey, type KeyInput, type Scope } from "../api/create-key";

/** What each scope allows; a Record over Scope, so a scope added to the API fails the type check until it is described. */
const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  "events:write": "Send, replay and delete events",
  "events:read": "Read and acknowledge events",
  "subscriptions:manage": "Manage webhooks: add, edit, test, recover",
  "keys:manage": "Create and revoke API keys",
};
const SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

interface Draft {
  name: string;
  scopes: Scope[];
  expiresAt: string; // datetime-local, local time
  rateLimit: string;
}

/** A fresh form: read-only by default, when the signed-in key may grant it. */
function emptyDraft(grantable: readonly Scope[]): Draft {
  return { name: "", scopes: grantable.filter((scope) => scope === "events:read"), expiresAt: "", rateLimit: "" };
}

function requestOf(draft: Draft): KeyInput {
  const expiresAt = localInputToIso(draft.expiresAt);
  const rateLimit = draft.rateLimit.trim();
  return {
    name: draft.name.trim(),
    scopes: SCOPES.filter((scope) => draft.scopes.includes(scope)),
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
    ...(rateLimit === "" ? {} : { rate_limit_per_second: Number(rateLimit) }),
  };
}

/** Create a key, then show it once; closing the dialog forgets it. */
export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateKey();
  // The API refuses to grant a scope the signed-in key lacks, so the form does not offer it.
  const grantable = useSignedInKey().scopes;
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(grantable));
  const [scopeError, setScopeError] = useState<string | undefined>();

  const close = () => {
    create.reset();
    setDraft(emptyDraft(grantable));
    setScopeError(undefined);
    onClose();
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (draft.scopes.length === 0) {
      setScopeError("Choose at least one scope.");
      return;
    }
    create.mutate(requestOf(draft));
  };
  const toggleScope = (scope: Scope, on: boolean) => {
    setScopeError(undefined);
    setDraft((current) => ({ ...current, scopes: on ? [...current.scopes, scope] : current.scopes.filter((held) => held !== scope) }));
  };

  const created = create.data;
  return (
    <Dialog open={open} onClose={close} title={created ? "API key created" : "Create an API key"} description={created ? undefined : "A key can grant only the scopes the key you signed in with holds."}>
      {created ? (
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            <strong>{created.name}</strong> ({created.key_id}) can: {created.scopes.join(", ")}.
          </p>
          <SecretReveal label="API key" value={created.key} />
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              I have stored the key
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="Name"
            required
            maxLength={128}
            placeholder="CI reader"
            value={draft.name}
            onChange={(event) => {
              const { value } = event.currentTarget;
              setDraft((current) => ({ ...current, name: value }));
            }}
          />
          <fieldset className="space-y-2" aria-describedby={scopeError === undefined ? undefined : "scope-error"}>
            <legend className="text-sm font-medium text-slate-800">Scopes</legend>
            {SCOPES.map((scope) => {
              const held = grantable.includes(scope);
              return (
                <label key={scope} className={cn("flex items-start gap-2 text-sm", !held && "text-slate-500")}>
                  <input
                    type="checkbox"
                    className="mt-0.5 size-4 accent-indigo-700"
                    checked={draft.scopes.includes(scope)}
                    disabled={!held}
                    onChange={(event) => {
                      toggleScope(scope, event.currentTarget.checked);
                    }}
                  />
                  <span>
                    <code className="font-mono">{scope}</code> <span className={held ? "text-slate-600" : undefined}>— {held ? SCOPE_DESCRIPTIONS[scope] : "your key does not hold it"}</span>
                  </span>
                </label>
              );
            })}
            {scopeError !== undefined && (
              <p id="scope-error" className="text-sm text-red-700">
                {scopeError}
              </p>
            )}
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Expires (optional)"
              type="datetime-local"
              value={draft.expiresAt}
              onChange={(event) => {
                const { value } = event.currentTarget;
                setDraft((current) => ({ ...current, expiresAt: value }));
              }}
            />
            <TextField
              label="Requests per second (optional)"
              type="number"
              min={1}
              max={100000}
              inputMode="numeric"
              value={draft.rateLimit}
              onChange={(event) => {
                const { value } = event.currentTarget;
                setDraft((current) => ({ ...current, rateLimit: value }));
              }}
              hint="Empty: the environment's default"
            />
          </div>
          {create.isError && <ErrorMessage error={create.error} title="The key was not created" />}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
