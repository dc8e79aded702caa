import type { Metadata } from "next";
import { DestinationPolicyBanner } from "@/components/integrations/destination-policy-banner";
import { IntegratedApps } from "@/components/integrations/integrated-apps";

export const metadata: Metadata = { title: "Integrations · SASE Management Console" };

export default function IntegrationsPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Integrations</h1>
      <DestinationPolicyBanner />
      <IntegratedApps />
    </>
  );
}
