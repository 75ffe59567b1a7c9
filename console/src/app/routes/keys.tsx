import { KeysPage } from "@/features/keys/components/keys-page";

export function KeysRoute() {
  return (
    <>
      <title>API keys · Triggers console</title>
      <KeysPage />
    </>
  );
}
