"use client";

import Link from "next/link";
import { Fragment, type Ref } from "react";
import { useCanManage } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { DataTable, Td, type TColumn, type TSort } from "@/components/ui/data-table";
import { formatLocalTime } from "@/components/ui/format-time";
import { RelativeTime } from "@/components/ui/relative-time";
import { Sparkline } from "@/components/ui/sparkline";
import { StaleNotice } from "@/components/ui/stale-notice";
import {
  deliveriesOf,
  formatBytes,
  formatCount,
  formatLag,
  formatRecords,
  SOURCE_LABELS,
  summariseDelivery,
} from "@/components/integrations/delivery-summary";
import { ingestionHost, viewIntegrations, type TSortKey } from "@/components/integrations/integration-list-view";
import { PauseButton } from "@/components/integrations/pause-button";
import { StatusBadge } from "@/components/integrations/status-badge";
import { useListIntegrations } from "@/components/integrations/use-list-integrations";
import type { TIntegration } from "@/lib/integrations/schema";

/** The data sources, with "Events (filtered)" when only some events are sent. */
function dataSources(integration: TIntegration): string {
  return [
    integration.events ? (integration.eventFilter.length > 0 ? "Events (filtered)" : "Events") : null,
    integration.flows ? "Flows" : null,
    integration.audit ? "Audit Trail" : null,
  ]
    .filter(Boolean)
    .join(", ");
}

const small = "text-xs text-slate-600";

type TColumnKey = TSortKey | "app" | "sources" | "ingestionUrl" | "index" | "delivered" | "lag" | "created" | "actions";

const COLUMNS: readonly TColumn<TColumnKey>[] = [
  { key: "name", label: "Connector Name", isSortable: true },
  { key: "app", label: "App" },
  { key: "sources", label: "Data Sources" },
  { key: "ingestionUrl", label: "Ingestion URL" },
  { key: "index", label: "Index" },
  { key: "status", label: "Status", isSortable: true },
  { key: "lastDelivered", label: "Last Delivered", isSortable: true },
  { key: "delivered", label: "Delivered" },
  { key: "lag", label: "Lag" },
  { key: "created", label: "Created" },
  { key: "actions", label: "Actions", isLabelHidden: true },
];

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
  isStale,
  onEdit,
  onDelete,
}: {
  integration: TIntegration;
  isStale: boolean;
  onEdit: (integration: TIntegration) => void;
  onDelete: (integration: TIntegration) => void;
}) {
  const canManage = useCanManage();
  const summary = summariseDelivery(integration);
  const isFailing = integration.status === "retrying" || integration.status === "error";
  return (
    <tr>
      <Td className="max-w-48 break-words">
        <Link href={`/integrations/${integration.id}`} className="font-medium text-brand hover:underline">
          {integration.name}
        </Link>
        {integration.description ? <div className={small}>{integration.description}</div> : null}
      </Td>
      <Td>Splunk</Td>
      <Td>{dataSources(integration)}</Td>
      <Td className="max-w-48 break-all text-xs" title={integration.ingestionUrl}>
        {ingestionHost(integration.ingestionUrl)}
      </Td>
      <Td className="max-w-32 break-words">
        {integration.index ?? <span className="text-slate-600">Token default</span>}
      </Td>
      <Td className="min-w-40">
        <StatusBadge status={integration.status} detail={integration.statusDetail} />
        {isFailing && summary.lastErrorAt ? (
          <div className={small}>
            {/* On old data a moving "45 seconds ago" would mislead: the exact time instead. */}
            Last error {isStale ? formatLocalTime(summary.lastErrorAt) : <RelativeTime iso={summary.lastErrorAt} />}
          </div>
        ) : null}
      </Td>
      <Td className="whitespace-nowrap">
        {integration.lastDeliveredAt ? (
          <RelativeTime iso={integration.lastDeliveredAt} />
        ) : (
          <span className="text-slate-600">Never</span>
        )}
      </Td>
      <Td>
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
      </Td>
      <Td>
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
      </Td>
      <Td className="text-xs">
        <time dateTime={integration.createdAt}>{formatLocalTime(integration.createdAt)}</time>
      </Td>
      <Td className="text-right">
        {canManage ? (
          <div className="flex flex-nowrap items-start justify-end gap-1">
            <Button variant="ghost" aria-label={`Edit ${integration.name}`} onClick={() => onEdit(integration)}>
              Edit
            </Button>
            <div>
              <PauseButton integration={integration} />
            </div>
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
      </Td>
    </tr>
  );
}

export function IntegrationsTable({
  search,
  onSearch,
  searchRef,
  sort,
  onSort,
  onEdit,
  onDelete,
}: {
  search: string;
  onSearch: (search: string) => void;
  searchRef: Ref<HTMLInputElement>;
  sort: TSort<TSortKey> | null;
  onSort: (key: TSortKey) => void;
  onEdit: (integration: TIntegration) => void;
  onDelete: (integration: TIntegration) => void;
}) {
  const canManage = useCanManage();
  const { data, error, isPending, dataUpdatedAt } = useListIntegrations();

  const searchBox = (
    <div className="mb-3 max-w-sm">
      <label htmlFor="integration-search" className="mb-1 block text-sm font-medium text-slate-800">
        Search integrations
      </label>
      <input
        ref={searchRef}
        id="integration-search"
        type="search"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
        placeholder="Name, description or Ingestion URL"
        autoComplete="off"
        className="block w-full rounded border border-slate-300 bg-white px-2.5 py-1.5 text-sm focus:border-brand focus:ring-1 focus:ring-brand focus:outline-none"
      />
    </div>
  );

  if (isPending) {
    return (
      <>
        {searchBox}
        <p className="text-sm text-slate-700">Loading integrations…</p>
      </>
    );
  }
  if (error && !data) {
    return (
      <>
        {searchBox}
        <p role="alert" className="text-sm text-red-700">
          The integrations could not be loaded: {error.message}
        </p>
      </>
    );
  }
  const rows = viewIntegrations(data, search, sort);
  const isStale = Boolean(error);
  return (
    <>
      {searchBox}
      <StaleNotice updatedAt={dataUpdatedAt} error={error} />
      <DataTable
        caption={`Integrated apps${search.trim() ? `, ${rows.length} of ${data.length} matching the search` : ""}`}
        columns={COLUMNS}
        sort={sort}
        onSort={(key) => {
          if (key === "name" || key === "status" || key === "lastDelivered") onSort(key);
        }}
        isEmpty={rows.length === 0}
        emptyMessage={
          data.length > 0
            ? "No integrations match the search."
            : `No integrations yet.${canManage ? " Click New to stream events and flows into Splunk." : ""}`
        }
      >
        {rows.map((integration) => (
          <IntegrationRow
            key={integration.id}
            integration={integration}
            isStale={isStale}
            onEdit={onEdit}
            onDelete={onDelete}
          />
        ))}
      </DataTable>
    </>
  );
}
