import type { Metadata } from "next";
import { AuditTrail } from "@/components/audit/audit-trail";

export const metadata: Metadata = { title: "Audit Trail · SASE Management Console" };

export default function AuditPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Audit Trail</h1>
      <p className="mb-4 text-sm text-slate-700">
        Sign-ins and every change to users, API keys and integrations: who, when, from where and what.
      </p>
      <AuditTrail />
    </>
  );
}
