"use client";

import { useCanManage } from "@/components/auth/current-user";
import Link from "next/link";
import { Fragment } from "react";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { Sparkline } from "@/components/ui/sparkline";
import {
  deliveriesOf,
  formatBytes,
  formatCount,
  formatLag,
  formatRecords,
  SOURCE_LABELS,
  summariseDelivery,
} from "@/components/integrations/delivery-summary";
import { PauseButton } from "@/components/integrations/pause-button";
import { StatusBadge } from "@/components/integrations/status-badge";
import { useListIntegrations } from "@/components/integrations/use-list-integrations";
import type { TIntegration } from "@/lib/integrations/schema";

function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function dataSources(integration: TIntegration): string {
  return [
    integration.events ? "Events" : null,
    integration.flows ? "Flows" : null,
    integration.audit ? "Audit Trail" : null,
  ]
    .filter(Boolean)
    .join(", ");
}

const th = "px-2 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-2 py-2 align-top text-sm";
const small = "text-xs text-slate-600";
const COLUMNS = 10;

/** What the row's sparkline shows, for screen readers and as its tooltip. */
function lastHourLabel(perMinute: readonly number[]): string {
  const total = perMinute.reduce((sum, n) => sum + n, 0);
  const peak = Math.max(0, ...perMinute);
  return `Records delivered per minute, last hour: ${formatCount(total)} in total, peak ${formatCount(peak)} a minute`;
}

/** Per-source figures in small print, only when there is more than one source to tell apart. */
function BySource({
  integration,
  figure,
}: {
  integration: TIntegration;
  figure: (source: keyof TIntegration["delivery"]) => string;
}) {
  const sources = deliveriesOf(integration);
  if (sources.length < 2) return null;
  // Each figure stays whole; lines break only between them.
  return (
    <div className={small}>
      {sources.map(([source], index) => (
        <Fragment key={source}>
          {index > 0 ? " · " : null}
          <span className="whitespace-nowrap">
            {SOURCE_LABELS[source]} {figure(source)}
          </span>
        </Fragment>
      ))}
    </div>
  );
}

function IntegrationRow({
  integration,
  onEdit,
  onDelete,
}: {
  integration: TIntegration;
  onEdit: (integration: TIntegration) => void;
  onDelete: (integration: TIntegration) => void;
}) {
  const canManage = useCanManage();
  const summary = summariseDelivery(integration);
  const isFailing = integration.status === "retrying" || integration.status === "error";
  return (
    <tr>
      <td className={`${td} max-w-48 break-words`}>
        <Link href={`/integrations/${integration.id}`} className="font-medium text-brand hover:underline">
          {integration.name}
        </Link>
        {integration.description ? <div className={small}>{integration.description}</div> : null}
      </td>
      <td className={td}>Splunk</td>
      <td className={td}>{dataSources(integration)}</td>
      <td className={`${td} max-w-32 break-words`}>
        {integration.index ?? <span className="text-slate-600">Token default</span>}
      </td>
      <td className={`${td} min-w-40`}>
        <StatusBadge status={integration.status} detail={integration.statusDetail} />
        {isFailing && summary.lastErrorAt ? (
          <div className={small}>
            Last error <RelativeTime iso={summary.lastErrorAt} />
          </div>
        ) : null}
      </td>
      <td className={`${td} whitespace-nowrap`}>
        {integration.lastDeliveredAt ? (
          <RelativeTime iso={integration.lastDeliveredAt} />
        ) : (
          <span className="text-slate-600">Never</span>
        )}
      </td>
      <td className={td}>
        <div className="whitespace-nowrap">{formatRecords(summary.records)}</div>
        <BySource
          integration={integration}
          figure={(source) => formatCount(integration.delivery[source]?.deliveredRecords ?? 0)}
        />
        <div className={small}>{formatBytes(summary.bytes)}</div>
        {integration.deliveredPerMinute.length > 0 ? (
          <div className="mt-1" title={lastHourLabel(integration.deliveredPerMinute)}>
            <Sparkline values={integration.deliveredPerMinute} label={lastHourLabel(integration.deliveredPerMinute)} />
          </div>
        ) : null}
      </td>
      <td className={td}>
        {deliveriesOf(integration).length === 0 ? (
          <span className="text-slate-600">Not started</span>
        ) : summary.lag ? (
          <>
            <div className="whitespace-nowrap">{formatLag(summary.lag)}</div>
            <BySource
              integration={integration}
              figure={(source) => formatCount(integration.delivery[source]?.lag?.records ?? 0)}
            />
          </>
        ) : (
          <span className="text-slate-600">Unknown</span>
        )}
      </td>
      <td className={`${td} text-xs`}>{formatDate(integration.createdAt)}</td>
      <td className={`${td} text-right`}>
        {canManage ? (
          <div className="flex flex-col items-end">
            <Button variant="ghost" aria-label={`Edit ${integration.name}`} onClick={() => onEdit(integration)}>
              Edit
            </Button>
            <PauseButton integration={integration} />
            <Button
              variant="ghost"
              className="text-red-700 hover:bg-red-50"
              aria-label={`Delete ${integration.name}`}
              onClick={() => onDelete(integration)}
            >
              Delete
            </Button>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function IntegrationsTable({
  onEdit,
  onDelete,
}: {
  onEdit: (integration: TIntegration) => void;
  onDelete: (integration: TIntegration) => void;
}) {
  const canManage = useCanManage();
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
              Last Delivered
            </th>
            <th scope="col" className={th}>
              Delivered
            </th>
            <th scope="col" className={th}>
              Lag
            </th>
            <th scope="col" className={th}>
              Created
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="px-3 py-8 text-center text-sm text-slate-700">
                No integrations yet.{canManage ? " Click New to stream events and flows into Splunk." : ""}
              </td>
            </tr>
          ) : (
            data.map((integration) => (
              <IntegrationRow key={integration.id} integration={integration} onEdit={onEdit} onDelete={onDelete} />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
