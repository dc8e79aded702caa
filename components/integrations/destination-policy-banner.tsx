"use client";

import { useGetSettings } from "@/components/settings/use-get-settings";

/** Tells whoever adds a destination that the operator relaxed the usual rules. */
export function DestinationPolicyBanner() {
  const { data } = useGetSettings();
  if (!data || (!data.allowPrivateNetworks && !data.allowInsecureHttp)) return null;
  return (
    <aside aria-label="Destination policy" className="mb-4 rounded border border-amber-300 bg-amber-50 px-3 py-2">
      <ul className="text-sm text-amber-900">
        {data.allowPrivateNetworks ? (
          <li>Private network destinations are allowed (HEC_ALLOW_PRIVATE_NETWORKS)</li>
        ) : null}
        {data.allowInsecureHttp ? <li>Plain http:// destinations are allowed (HEC_ALLOW_INSECURE_HTTP)</li> : null}
      </ul>
    </aside>
  );
}
