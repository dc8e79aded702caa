import type { TRole } from "@/lib/auth/caller";

/** The roles as the console names them. */
export const ROLE_LABELS: Record<TRole, string> = { admin: "Admin", viewer: "Viewer" };
