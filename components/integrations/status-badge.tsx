import type { TIntegrationStatus } from "@/lib/integrations/schema";

const STYLES: Record<TIntegrationStatus, { label: string; className: string }> = {
  pending: { label: "Pending", className: "bg-slate-100 text-slate-800 ring-slate-300" },
  healthy: { label: "Healthy", className: "bg-green-50 text-green-800 ring-green-300" },
  retrying: { label: "Retrying", className: "bg-amber-50 text-amber-900 ring-amber-300" },
  error: { label: "Error", className: "bg-red-50 text-red-800 ring-red-300" },
  paused: { label: "Paused", className: "bg-slate-100 text-slate-700 ring-slate-300" },
};

/**
 * The status word, and its reason below it. In a table the reason keeps to a narrow column;
 * on a page (isWide) it takes the width it is given instead of wrapping word by word.
 */
export function StatusBadge({
  status,
  detail,
  isWide = false,
}: {
  status: TIntegrationStatus;
  detail: string;
  isWide?: boolean;
}) {
  const style = STYLES[status];
  return (
    <span className={isWide ? "flex flex-col" : "inline-flex flex-col"}>
      <span
        className={`inline-flex w-fit items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}
      >
        {style.label}
      </span>
      {detail ? (
        <span
          data-testid="status-detail"
          className={`mt-1 text-xs text-slate-600 ${isWide ? "max-w-prose break-words" : "max-w-56"}`}
        >
          {detail}
        </span>
      ) : null}
    </span>
  );
}
