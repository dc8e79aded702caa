"use client";

import { useGetWorkers } from "@/components/health/use-get-workers";

/** Warns on every page that nothing flows to Splunk while no worker process runs. */
export function NoWorkerBanner() {
  const { data } = useGetWorkers();
  // Nothing while loading, nor while the workers cannot be counted (Redis not answering).
  if (data?.count !== 0) return null;
  return (
    <div role="alert" className="mb-4 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
      No worker process is running: nothing is delivered to Splunk until one starts (
      <code className="font-mono">npm run worker</code>)
    </div>
  );
}
