"use client";

import type { UseFormRegister } from "react-hook-form";
import type { TIntegrationFormValues } from "@/lib/integrations/schema";

/** The "Use indexer acknowledgment" checkbox of the integration panel, with its one line of help. */
export function IndexerAckField({
  register,
  error,
}: {
  register: UseFormRegister<TIntegrationFormValues>;
  error?: string;
}) {
  return (
    <div className="mb-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="h-4 w-4" aria-describedby="indexerAck-hint" {...register("indexerAck")} /> Use
        indexer acknowledgment
      </label>
      <p id="indexerAck-hint" className="mt-1 text-xs text-slate-600">
        For tokens with indexer acknowledgment on: data counts as delivered only once Splunk has indexed it
      </p>
      {error ? (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
