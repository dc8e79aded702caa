"use client";

import { useCanManage } from "@/components/auth/current-user";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DeleteIntegrationDialog } from "@/components/integrations/delete-integration-dialog";
import { IntegrationPanel } from "@/components/integrations/integration-panel";
import { IntegrationsTable } from "@/components/integrations/integrations-table";
import type { TIntegration } from "@/lib/integrations/schema";

type TPanelState = { mode: "create" } | { mode: "edit"; integration: TIntegration } | null;

/** The Integrated Apps tab: New, the table, the panel and the delete confirmation. */
export function IntegratedApps() {
  const [panel, setPanel] = useState<TPanelState>(null);
  const [deleting, setDeleting] = useState<TIntegration | null>(null);
  const canManage = useCanManage();

  return (
    <section aria-labelledby="integrated-apps-tab">
      <div role="tablist" aria-label="Integrations" className="mb-4 flex border-b border-slate-200">
        <span
          role="tab"
          id="integrated-apps-tab"
          aria-selected="true"
          aria-controls="integrated-apps-panel"
          tabIndex={0}
          className="-mb-px border-b-2 border-brand px-3 py-2 text-sm font-medium text-brand"
        >
          Integrated Apps
        </span>
      </div>
      <div id="integrated-apps-panel" role="tabpanel" aria-labelledby="integrated-apps-tab">
        <div className="mb-3 flex items-center justify-between">
          <p className="text-sm text-slate-700">
            Stream the account&apos;s events and flows to Splunk through the HTTP Event Collector.
          </p>
          {canManage ? <Button onClick={() => setPanel({ mode: "create" })}>New</Button> : null}
        </div>
        <IntegrationsTable
          onEdit={(integration) => setPanel({ mode: "edit", integration })}
          onDelete={(integration) => setDeleting(integration)}
        />
      </div>
      {panel ? (
        <IntegrationPanel
          key={panel.mode === "edit" ? panel.integration.id : "new"}
          integration={panel.mode === "edit" ? panel.integration : null}
          onClose={() => setPanel(null)}
        />
      ) : null}
      <DeleteIntegrationDialog integration={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}
