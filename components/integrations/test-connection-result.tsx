import { describeTestStep } from "@/components/integrations/test-step-words";
import type { TTestResult, TTestStep } from "@/lib/delivery/test-connection";

const MARKS: Record<TTestStep["status"], { mark: string; label: string; className: string }> = {
  passed: { mark: "✓", label: "Passed", className: "text-green-800" },
  failed: { mark: "✗", label: "Failed", className: "text-red-700" },
  skipped: { mark: "–", label: "Skipped", className: "text-slate-600" },
};

/**
 * The steps of the last connection test. Always rendered, empty at first, so screen
 * readers announce what appears in it.
 */
export function TestConnectionResult({ result, isTesting }: { result: TTestResult | undefined; isTesting: boolean }) {
  return (
    <div role="status" aria-live="polite" aria-label="Connection test" className="text-sm">
      {isTesting ? (
        <p className="mb-2 text-slate-700">Testing the connection…</p>
      ) : result ? (
        <div className="mb-2 rounded border border-slate-200 bg-slate-50 p-2">
          <p className={`mb-1 font-medium ${result.ok ? "text-green-800" : "text-red-700"}`}>
            {result.ok ? "The connection test passed." : "The connection test failed."}
          </p>
          <ul className="space-y-1">
            {result.steps.map((step) => {
              const mark = MARKS[step.status];
              return (
                <li key={step.name} className="flex gap-2 text-sm">
                  <span aria-hidden="true" className={`w-3 shrink-0 font-bold ${mark.className}`}>
                    {mark.mark}
                  </span>
                  <span className="min-w-0 break-words">
                    <span className="font-medium">{step.name}</span>{" "}
                    <span className={`font-medium ${mark.className}`}>{mark.label}</span>:{" "}
                    {describeTestStep(step.status, step.detail)}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
