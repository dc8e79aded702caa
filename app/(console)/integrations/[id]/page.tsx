import type { Metadata } from "next";
import { IntegrationDetails } from "@/components/integrations/integration-details";

export const metadata: Metadata = { title: "Integration · SASE Management Console" };

export default async function IntegrationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <IntegrationDetails id={id} />;
}
