import { MetricsPage } from "@/features/stats/components/metrics-page";

export function MetricsRoute() {
  return (
    <>
      <title>Metrics · Triggers console</title>
      <MetricsPage />
    </>
  );
}
