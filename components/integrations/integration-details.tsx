"use client";

import { useCanManage } from "@/components/auth/current-user";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatLocalTime } from "@/components/ui/format-time";
import { announce, SuccessNotice } from "@/components/ui/notice";
import { StaleNotice } from "@/components/ui/stale-notice";
import { DeleteIntegrationDialog } from "@/components/integrations/delete-integration-dialog";
import { deliveriesOf } from "@/components/integrations/delivery-summary";
import { describeCondition } from "@/components/integrations/filter-words";
import { IntegrationActivity } from "@/components/integrations/integration-activity";
import { IntegrationPanel } from "@/components/integrations/integration-panel";
import { PauseButton } from "@/components/integrations/pause-button";
import { SourceDelivery } from "@/components/integrations/source-delivery";
import { StatusBadge } from "@/components/integrations/status-badge";
import { ThroughputCharts } from "@/components/integrations/throughput-charts";
import { isNotFound, useGetIntegration } from "@/components/integrations/use-get-integration";
import type { TIntegration } from "@/lib/integrations/schema";

function BackLink() {
  return (
    <Link href="/integrations" className="mb-3 inline-block text-sm text-brand hover:underline">
      <span aria-hidden="true">← </span>Back to Integrations
    </Link>
  );
}

const SOURCE_NAMES = [
  ["events", "Events"],
  ["flows", "Flows"],
  ["audit", "Audit Trail"],
] as const;

function Setting({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-600">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function Settings({ integration }: { integration: TIntegration }) {
  const sources = [
    integration.events ? "Events" : null,
    integration.flows ? "Flows" : null,
    integration.audit ? "Audit Trail" : null,
  ].filter(Boolean);
  const conditions = integration.eventFilter.length;
  return (
    <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 rounded border border-slate-200 bg-white p-4 text-sm">
      <Setting term="App">Splunk</Setting>
      <Setting term="Ingestion URL">
        <span className="font-mono text-xs">{integration.ingestionUrl}</span>
      </Setting>
      <Setting term="API Key">{integration.apiKeyHint ? `Ending ${integration.apiKeyHint}` : "Stored"}</Setting>
      <Setting term="Index">{integration.index ?? "The token's default index"}</Setting>
      <Setting term="Data Sources">{sources.join(", ")}</Setting>
      <Setting term="Event filter">
        {conditions === 0 ? (
          "None: every event is sent"
        ) : (
          <>
            An event is sent when it matches {conditions === 1 ? "this condition" : `all ${conditions} conditions`}:
            <ul className="list-disc pl-5">
              {integration.eventFilter.map((condition, i) => (
                <li key={i}>{describeCondition(condition)}</li>
              ))}
            </ul>
          </>
        )}
      </Setting>
      <Setting term="Host">
        <span className="font-mono text-xs">{integration.hecHost}</span>
      </Setting>
      <Setting term="Source">
        <span className="font-mono text-xs">{integration.hecSource}</span>
      </Setting>
      <Setting term="Sourcetypes">
        <ul>
          {SOURCE_NAMES.map(([source, label]) => (
            <li key={source}>
              {label}: <span className="font-mono text-xs">{integration.sourcetypes[source]}</span>
            </li>
          ))}
        </ul>
      </Setting>
      <Setting term="Error events">{integration.errorEvents ? "Created when delivery fails" : "Off"}</Setting>
      <Setting term="Created">{formatLocalTime(integration.createdAt)}</Setting>
      <Setting term="Updated">{formatLocalTime(integration.updatedAt)}</Setting>
    </dl>
  );
}

/** An integration's page: its settings, how each data source is delivered, its last hour and its recent activity. */
export function IntegrationDetails({ id }: { id: string }) {
  const { data, error, isPending, dataUpdatedAt } = useGetIntegration(id);
  const [isEditing, setIsEditing] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);
  const router = useRouter();
  const name = data?.name;
  useEffect(() => {
    // The browser tab and history name the connector, not just "Integration".
    if (name) document.title = `${name} · Integrations · SASE Management Console`;
  }, [name]);
  const canManage = useCanManage();

  if (isNotFound(error)) {
    return (
      <>
        <BackLink />
        <h1 className="mb-4 text-xl font-semibold">Integration</h1>
        <p role="alert" className="text-sm text-slate-800">
          No integration has this id.
        </p>
      </>
    );
  }
  if (isPending) {
    return (
      <>
        <BackLink />
        <p className="text-sm text-slate-700">Loading the integration…</p>
      </>
    );
  }
  if (!data) {
    return (
      <>
        <BackLink />
        <h1 className="mb-4 text-xl font-semibold">Integration</h1>
        <p role="alert" className="text-sm text-red-700">
          The integration could not be loaded: {error?.message}
        </p>
      </>
    );
  }

  const sources = deliveriesOf(data);
  return (
    <>
      <BackLink />
      <SuccessNotice />
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 flex-1 basis-80">
          <h1 className="mb-1 text-xl font-semibold break-words">{data.name}</h1>
          {data.description ? <p className="mb-2 text-sm text-slate-700">{data.description}</p> : null}
          <StatusBadge status={data.status} detail={data.statusDetail} isWide />
        </div>
        {canManage ? (
          <div className="flex flex-wrap items-start gap-2">
            <Button variant="secondary" aria-label={`Edit ${data.name}`} onClick={() => setIsEditing(true)}>
              Edit
            </Button>
            <div>
              <PauseButton integration={data} variant="secondary" />
            </div>
            <Button
              variant="secondary"
              className="text-red-700"
              aria-label={`Delete ${data.name}`}
              onClick={() => setIsDeleting(true)}
            >
              Delete
            </Button>
          </div>
        ) : null}
      </div>
      <StaleNotice updatedAt={dataUpdatedAt} error={error} />

      <Settings integration={data} />

      <section aria-labelledby="delivery-heading" className="mb-6">
        <h2 id="delivery-heading" className="mb-2 text-lg font-semibold">
          Delivery
        </h2>
        {sources.length === 0 ? (
          <p className="text-sm text-slate-700">Delivery has not started yet.</p>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            {sources.map(([source, delivery]) => (
              <SourceDelivery key={source} source={source} delivery={delivery} />
            ))}
          </div>
        )}
      </section>

      <ThroughputCharts id={id} />

      <IntegrationActivity id={id} />

      {isEditing ? (
        <IntegrationPanel
          integration={data}
          onClose={() => setIsEditing(false)}
          onSaved={(saved) => announce(`Saved "${saved.name}".`)}
        />
      ) : null}
      <DeleteIntegrationDialog
        integration={isDeleting ? data : null}
        onClose={() => setIsDeleting(false)}
        onDeleted={(deleted) => {
          announce(`Deleted "${deleted.name}". Data already in Splunk stays there.`);
          router.push("/integrations");
        }}
      />
    </>
  );
}
