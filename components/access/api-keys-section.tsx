"use client";

import { useState } from "react";
import { ApiKeysTable } from "@/components/access/api-keys-table";
import { CreateApiKeyForm } from "@/components/access/create-api-key-form";
import { RevokeApiKeyDialog } from "@/components/access/revoke-api-key-dialog";
import type { TApiKey } from "@/lib/auth/api-keys";

/** Keys for scripts and tools that call the API: create (shown once), list, revoke. */
export function ApiKeysSection() {
  const [revoking, setRevoking] = useState<TApiKey | null>(null);

  return (
    <section aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading" className="mb-1 text-lg font-semibold">
        API keys
      </h2>
      <p className="mb-3 text-sm text-slate-700">
        Scripts and tools call the API with the header{" "}
        <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>. A key acts with its role, as a user with
        that role would.
      </p>
      <CreateApiKeyForm />
      <ApiKeysTable onRevoke={setRevoking} />
      <RevokeApiKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </section>
  );
}
