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

/** A refused attempt is not the thing it attempted: it gets words of its own. */
const FAILURE_LABELS: Partial<Record<TAuditAction, string>> = {
  "auth.password_changed": "Password change refused",
  "auth.sign_in_failed": "Sign-in failed",
};

export function actionLabel(action: string, outcome: string = "success"): string {
  const label = AUDIT_ACTION_LABELS[action as TAuditAction];
  if (!label) return action;
  if (outcome !== "failure") return label;
  return FAILURE_LABELS[action as TAuditAction] ?? `${label} (refused)`;
}

/** The words on screen for the keys the services write into an entry's details. */
const KEY_LABELS: Record<string, string> = {
  fields: "Changed",
  changes: "Changed",
  previousName: "Previous name",
  otherSessionsEnded: "Other sessions ended",
  reason: "Reason",
  role: "Role",
  from: "From",
  name: "Connector Name",
  description: "Description",
  ingestionUrl: "Ingestion URL",
  apiKey: "API Key",
  index: "Index",
  events: "Events",
  flows: "Flows",
  audit: "Audit Trail",
  eventFilter: "Event filter",
  errorEvents: "Error events",
  paused: "Paused",
  password: "Password",
  email: "Email",
  host: "Host",
  sendTestEvent: "Test event sent",
  result: "Result",
  saved: "Saved",
};

const VALUE_WORDS: Record<string, string> = {
  admin: "Admin",
  viewer: "Viewer",
  wrong_current_password: "wrong current password",
  wrong_password: "wrong password",
  unknown_email: "unknown email",
  rate_limited: "too many attempts",
  ADMIN_EMAIL: "the ADMIN_EMAIL setting",
};

function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ");
}

function valueWords(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") {
    return key === "index" ? "token default" : "none";
  }
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "string") return VALUE_WORDS[value] ?? value;
  if (Array.isArray(value)) {
    if (key === "eventFilter")
      return value.length === 0 ? "none" : `${value.length} ${value.length === 1 ? "condition" : "conditions"}`;
    return value.map((item) => valueWords(key, item)).join(", ");
  }
  if (typeof value === "object") return "…";
  return String(value);
}

function isChange(value: unknown): value is { from?: unknown; to?: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("from" in value || "to" in value);
}

/** One line for the details column, in words: what an edit changed (before → after), why a sign-in failed. */
export function describeDetails(details: unknown): string {
  if (!details || typeof details !== "object" || Array.isArray(details)) return "";
  const entries = Object.entries(details as Record<string, unknown>);
  const changes = entries.find(([key]) => key === "changes")?.[1];
  const parts: string[] = [];
  for (const [key, value] of entries) {
    // An edit lists its fields twice (names, then values): the values say more.
    if (key === "fields" && changes && typeof changes === "object") continue;
    if (key === "changes" && value && typeof value === "object" && !Array.isArray(value)) {
      const described = Object.entries(value as Record<string, unknown>).map(([field, change]) =>
        isChange(change)
          ? `${keyLabel(field)}: ${valueWords(field, change.from)} → ${valueWords(field, change.to)}`
          : `${keyLabel(field)} changed`,
      );
      parts.push(described.length > 0 ? described.join("; ") : "Nothing changed");
    } else if (key === "fields" && Array.isArray(value)) {
      parts.push(
        `${keyLabel(key)}: ${value.length > 0 ? value.map((field) => keyLabel(String(field))).join(", ") : "nothing"}`,
      );
    } else if (isChange(value)) {
      parts.push(`${keyLabel(key)}: ${valueWords(key, value.from)} → ${valueWords(key, value.to)}`);
    } else {
      parts.push(`${keyLabel(key)}: ${valueWords(key, value)}`);
    }
  }
  return parts.join("; ");
}
