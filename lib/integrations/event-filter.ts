import type { TEventFilter } from "@/lib/integrations/schema";

/**
 * Whether an event passes the integration's filter: every condition must hold, as in
 * Cato's eventsFeed filters. No conditions: every event passes. Flows are never filtered.
 */
export function matchesEventFilter(filter: TEventFilter, eventType: string, eventSubType: string): boolean {
  for (const condition of filter) {
    const value = condition.field === "event_type" ? eventType : eventSubType;
    const isIn = condition.values.includes(value);
    const holds = condition.operator === "is" || condition.operator === "in" ? isIn : !isIn;
    if (!holds) return false;
  }
  return true;
}
