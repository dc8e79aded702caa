export const integrationKeys = {
  all: ["integrations"] as const,
  list: () => [...integrationKeys.all, "list"] as const,
  detail: (id: string) => [...integrationKeys.all, "detail", id] as const,
  activity: (id: string) => [...integrationKeys.all, "activity", id] as const,
  series: (id: string) => [...integrationKeys.all, "series", id] as const,
};
