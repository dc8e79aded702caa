"use client";

import { Button } from "@/components/ui/button";
import { StatusBadge } from "@/components/integrations/status-badge";
import { useListIntegrations } from "@/components/integrations/use-list-integrations";
import type { TIntegration } from "@/lib/integrations/schema";

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function dataSources(integration: TIntegration): string {
  return [integration.events ? "Events" : null, integration.flows ? "Flows" : null].filter(Boolean).join(", ");
}

const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-3 py-2 align-top text-sm";

export function IntegrationsTable({
  onEdit,
  onDelete,
}: {
  onEdit: (integration: TIntegration) => void;
  onDelete: (integration: TIntegration) => void;
}) {
  const { data, error, isPending } = useListIntegrations();

  if (isPending) return <p className="text-sm text-slate-700">Loading integrations…</p>;
  if (error && !data) {
    return (
      <p role="alert" className="text-sm text-red-700">
        The integrations could not be loaded: {error.message}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Integrated apps</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Connector Name
            </th>
            <th scope="col" className={th}>
              App
            </th>
            <th scope="col" className={th}>
              Data Sources
            </th>
            <th scope="col" className={th}>
              Index
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={th}>
              Created
            </th>
            <th scope="col" className={th}>
              Updated
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.length === 0 ? (
            <tr>
              <td colSpan={8} className="px-3 py-8 text-center text-sm text-slate-700">
                No integrations yet. Click New to stream events and flows into Splunk.
              </td>
            </tr>
          ) : (
            data.map((integration) => (
              <tr key={integration.id}>
                <td className={td}>
                  <div className="font-medium">{integration.name}</div>
                  {integration.description ? (
                    <div className="text-xs text-slate-600">{integration.description}</div>
                  ) : null}
                </td>
                <td className={td}>Splunk</td>
                <td className={td}>{dataSources(integration)}</td>
                <td className={`${td} whitespace-nowrap`}>
                  {integration.index ?? <span className="text-slate-600">Token default</span>}
                </td>
                <td className={td}>
                  <StatusBadge status={integration.status} detail={integration.statusDetail} />
                </td>
                <td className={`${td} whitespace-nowrap`}>{formatTime(integration.createdAt)}</td>
                <td className={`${td} whitespace-nowrap`}>{formatTime(integration.updatedAt)}</td>
                <td className={`${td} whitespace-nowrap text-right`}>
                  <Button variant="ghost" aria-label={`Edit ${integration.name}`} onClick={() => onEdit(integration)}>
                    Edit
                  </Button>
                  <Button
                    variant="ghost"
                    className="text-red-700 hover:bg-red-50"
                    aria-label={`Delete ${integration.name}`}
                    onClick={() => onDelete(integration)}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
