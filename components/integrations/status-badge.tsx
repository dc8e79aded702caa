import type { TIntegrationStatus } from "@/lib/integrations/schema";

const STYLES: Record<TIntegrationStatus, { label: string; className: string }> = {
  pending: { label: "Pending", className: "bg-slate-100 text-slate-800 ring-slate-300" },
  healthy: { label: "Healthy", className: "bg-green-50 text-green-800 ring-green-300" },
  retrying: { label: "Retrying", className: "bg-amber-50 text-amber-900 ring-amber-300" },
  error: { label: "Error", className: "bg-red-50 text-red-800 ring-red-300" },
  paused: { label: "Paused", className: "bg-slate-100 text-slate-700 ring-slate-300" },
};

export function StatusBadge({ status, detail }: { status: TIntegrationStatus; detail: string }) {
  const style = STYLES[status];
  return (
    <span className="inline-flex flex-col">
      <span
        className={`inline-flex w-fit items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}
      >
        {style.label}
      </span>
      {detail ? <span className="mt-1 max-w-56 text-xs text-slate-600">{detail}</span> : null}
    </span>
  );
}
