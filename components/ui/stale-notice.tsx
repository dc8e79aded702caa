"use client";

import { formatClockTime } from "@/components/ui/format-time";

/**
 * Says that what is on screen is old because refreshing it fails, instead of letting
 * "45 seconds ago" count upward on data that may have changed since.
 */
export function StaleNotice({ updatedAt, error }: { updatedAt: number; error: Error | null }) {
  if (!error || updatedAt === 0) return null;
  return (
    <p role="alert" className="mb-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      Not updated since <time dateTime={new Date(updatedAt).toISOString()}>{formatClockTime(updatedAt)}</time> —
      retrying. <span className="text-amber-800">({error.message})</span>
    </p>
  );
}
