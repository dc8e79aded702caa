import type { TAuditAction } from "@/lib/audit/record";

/** How the Audit Trail page names each action. */
export const AUDIT_ACTION_LABELS: Record<TAuditAction, string> = {
  "auth.setup": "First administrator set up",
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in failed",
  "auth.sign_out": "Signed out",
  "auth.password_changed": "Password changed",
  "user.created": "User created",
  "user.updated": "User changed",
  "user.deleted": "User deleted",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "integration.created": "Integration created",
  "integration.updated": "Integration edited",
  "integration.paused": "Integration paused",
  "integration.resumed": "Integration resumed",
  "integration.deleted": "Integration deleted",
  "integration.tested": "Connection tested",
  "cato_account.connected": "Cato account connected",
  "cato_account.updated": "Cato account changed",
  "cato_account.disconnected": "Cato account disconnected",
  "cato_account.tested": "Cato account tested",
};

export function actionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action as TAuditAction] ?? action;
}

/** One line for the details column: the fields an edit changed, the reason a sign-in failed. */
export function describeDetails(details: unknown): string {
  if (!details || typeof details !== "object" || Array.isArray(details)) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (Array.isArray(value)) parts.push(`${key}: ${value.join(", ")}`);
    else if (value && typeof value === "object") {
      const { from, to } = value as { from?: unknown; to?: unknown };
      parts.push(from !== undefined || to !== undefined ? `${key}: ${String(from)} → ${String(to)}` : `${key}: …`);
    } else parts.push(`${key}: ${String(value)}`);
  }
  return parts.join("; ");
}
