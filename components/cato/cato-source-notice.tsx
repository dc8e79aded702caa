"use client";

import Link from "next/link";
import { useGetCatoAccount } from "@/components/cato/use-get-cato-account";

/** Where the events come from: a connected Cato account (and then flows only from the ingest API), or the simulator. */
export function CatoSourceNotice() {
  const query = useGetCatoAccount();
  const account = query.data;
  if (!account?.connected || !account.enabled) return null;
  return (
    <p role="note" className="mb-4 rounded bg-blue-50 p-2 text-sm text-blue-900">
      Events come from Cato account {account.accountId} through Cato&apos;s API (
      <Link href="/cato-account" className="underline">
        Cato Account
      </Link>
      ); the simulator is off. Flows come only through the ingest API.
    </p>
  );
}
