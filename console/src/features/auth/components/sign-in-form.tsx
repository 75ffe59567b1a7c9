import { useState, type SubmitEvent } from "react";

import { ErrorMessage } from "@/components/states";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

import type { CurrentKey } from "@/lib/auth";

import { useCheckKey } from "../api/check-key";

/** Asks for an API key and hands it on, with whose it is, only once the API has accepted it. */
export function SignInForm({ onSignedIn }: { onSignedIn: (key: string, current: CurrentKey) => void }) {
  const [key, setKey] = useState("");
  const check = useCheckKey();

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const candidate = key.trim();
    check.mutate(candidate, {
      onSuccess: (current) => {
        onSignedIn(candidate, current);
      },
    });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
      <TextField
        label="API key"
        type="password"
        name="api-key"
        autoComplete="off"
        spellCheck={false}
        required
        placeholder="trg_…"
        value={key}
        onChange={(event) => {
          setKey(event.currentTarget.value);
          check.reset();
        }}
        hint="Kept in this tab only (sessionStorage) and sent as X-API-Key. Closing the tab or signing out forgets it."
      />
      {check.isError && <ErrorMessage error={check.error} title="Not signed in" />}
      <Button type="submit" variant="primary" busy={check.isPending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
