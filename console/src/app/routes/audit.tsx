import { AuditPage } from "@/features/audit/components/audit-page";

export function AuditRoute() {
  return (
    <>
      <title>Audit log · Triggers console</title>
      <AuditPage />
    </>
  );
}
