import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { setupStatus } from "@/lib/auth/sign-in";

export const metadata: Metadata = { title: "Set up · SASE Management Console" };

/** One-time: only while no user exists; afterwards it sends everyone to sign-in. */
export default async function SetupPage() {
  const status = await setupStatus();
  if (!status.needed) redirect("/sign-in");
  return (
    <AuthCard title="Create the first administrator">
      {status.available ? (
        <SetupForm />
      ) : (
        <p className="text-sm text-slate-700">
          Setup through this page is not enabled on this server. Set ADMIN_EMAIL and ADMIN_PASSWORD and restart it, or
          start it with <code>npm start</code>, which writes a setup code to its data directory.
        </p>
      )}
    </AuthCard>
  );
}
