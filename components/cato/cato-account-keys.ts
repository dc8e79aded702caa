export const catoAccountKeys = {
  all: ["cato-account"] as const,
  detail: () => [...catoAccountKeys.all, "detail"] as const,
};
