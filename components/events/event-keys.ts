export type TEventListParams = { type: string; subType: string; before: string | null };

export const eventKeys = {
  all: ["events"] as const,
  list: (params: TEventListParams) => [...eventKeys.all, "list", params] as const,
  detail: (marker: string) => [...eventKeys.all, "detail", marker] as const,
};
