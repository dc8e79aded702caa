import type { Metadata } from "next";
import { ApiKeysSection } from "@/components/access/api-keys-section";
import { UsersSection } from "@/components/access/users-section";
import { requireSignedIn } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Users & API Keys · SASE Management Console" };

export default async function AccessPage() {
  const actor = await requireSignedIn();
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Users &amp; API Keys</h1>
      {actor.role !== "admin" ? (
        // The API refuses a Viewer too (403); this only says so before anything is tried.
        <p className="text-sm text-slate-700">You need the Admin role to manage users and API keys.</p>
      ) : (
        <>
          <UsersSection />
          <ApiKeysSection />
        </>
      )}
    </>
  );
}
