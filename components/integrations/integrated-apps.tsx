"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useRef, useState } from "react";
import { useCanManage } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import type { TSort } from "@/components/ui/data-table";
import { announce, SuccessNotice } from "@/components/ui/notice";
import { DeleteIntegrationDialog } from "@/components/integrations/delete-integration-dialog";
import { IntegrationPanel } from "@/components/integrations/integration-panel";
import { isSortKey, type TSortKey } from "@/components/integrations/integration-list-view";
import { IntegrationsTable } from "@/components/integrations/integrations-table";
import type { TIntegration } from "@/lib/integrations/schema";

type TPanelState = { mode: "create" } | { mode: "edit"; integration: TIntegration } | null;

function sortFrom(params: URLSearchParams): TSort<TSortKey> | null {
  const key = params.get("sort");
  if (!isSortKey(key)) return null;
  return { key, direction: params.get("dir") === "desc" ? "descending" : "ascending" };
}

/** The Integrated Apps tab: New, search, the table, the panel and the delete confirmation. */
export function IntegratedApps() {
  const [panel, setPanel] = useState<TPanelState>(null);
  const [deleting, setDeleting] = useState<TIntegration | null>(null);
  const canManage = useCanManage();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  // Search and order live in the address, so that a view can be shared or bookmarked.
  const [search, setSearch] = useState(() => searchParams.get("q") ?? "");
  const [sort, setSort] = useState(() => sortFrom(new URLSearchParams(searchParams.toString())));
  const searchRef = useRef<HTMLInputElement>(null);

  const updateAddress = (nextSearch: string, nextSort: TSort<TSortKey> | null) => {
    const params = new URLSearchParams();
    if (nextSearch.trim()) params.set("q", nextSearch);
    if (nextSort) {
      params.set("sort", nextSort.key);
      if (nextSort.direction === "descending") params.set("dir", "desc");
    }
    const query = params.toString();
    window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
  };

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
        <SuccessNotice />
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-slate-700">
            Stream the account&apos;s events and flows to Splunk through the HTTP Event Collector.
          </p>
          {canManage ? <Button onClick={() => setPanel({ mode: "create" })}>New</Button> : null}
        </div>
        <IntegrationsTable
          search={search}
          onSearch={(value) => {
            setSearch(value);
            updateAddress(value, sort);
          }}
          searchRef={searchRef}
          sort={sort}
          onSort={(key) => {
            const next: TSort<TSortKey> = {
              key,
              direction: sort?.key === key && sort.direction === "ascending" ? "descending" : "ascending",
            };
            setSort(next);
            updateAddress(search, next);
          }}
          onEdit={(integration) => setPanel({ mode: "edit", integration })}
          onDelete={(integration) => setDeleting(integration)}
        />
      </div>
      {panel ? (
        <IntegrationPanel
          key={panel.mode === "edit" ? panel.integration.id : "new"}
          integration={panel.mode === "edit" ? panel.integration : null}
          onClose={() => setPanel(null)}
          onSaved={(saved) => announce(`Saved "${saved.name}".`)}
        />
      ) : null}
      <DeleteIntegrationDialog
        integration={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(deleted) => announce(`Deleted "${deleted.name}". Data already in Splunk stays there.`)}
        // The deleted row's button is gone: focus goes to the search above the table.
        fallbackFocus={() => searchRef.current}
      />
    </section>
  );
}
