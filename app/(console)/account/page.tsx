import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { requireSignedIn } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Account · SASE Management Console" };

export default async function AccountPage() {
  const actor = await requireSignedIn();
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Account</h1>
      <p className="mb-4 text-sm text-slate-700">
        Signed in as {actor.label} ({actor.role === "admin" ? "Admin" : "Viewer"}).
      </p>
      <h2 className="mb-3 text-base font-semibold">Change password</h2>
      <ChangePasswordForm />
    </>
  );
}
