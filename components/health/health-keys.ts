export const healthKeys = {
  all: ["health"] as const,
  workers: () => [...healthKeys.all, "workers"] as const,
};
