import { FILTER_OPERATOR_WORDS, type TEventFilter } from "@/lib/integrations/schema";

const FIELD_WORDS = { event_type: "Event Type", event_sub_type: "Event Sub-Type" } as const;

/** One condition in the console's words: `Event Type is not in Security, System`. */
export function describeCondition(condition: TEventFilter[number]): string {
  return `${FIELD_WORDS[condition.field]} ${FILTER_OPERATOR_WORDS[condition.operator]} ${condition.values.join(", ")}`;
}
