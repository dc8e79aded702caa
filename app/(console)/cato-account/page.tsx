import type { Metadata } from "next";
import { CatoAccountSettings } from "@/components/cato/cato-account-form";

export const metadata: Metadata = { title: "Cato Account · SASE Management Console" };

export default function CatoAccountPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Cato Account</h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-700">
        Connect the Cato account whose events and audit trail the console pulls from Cato&apos;s API into its feeds,
        from where every integration delivers them. While an account is connected and enabled, the built-in simulator
        writes nothing, so real and simulated data never mix. Flows are not in Cato&apos;s public API: they come only
        through the ingest API.
      </p>
      <CatoAccountSettings />
    </>
  );
}
