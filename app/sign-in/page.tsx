import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNext } from "@/lib/auth/safe-next";
import { signedInOrNull } from "@/lib/auth/page";
import { setupStatus } from "@/lib/auth/sign-in";

export const metadata: Metadata = { title: "Sign in · SASE Management Console" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = typeof next === "string" ? next : undefined;
  if (await signedInOrNull()) redirect(safeNext(target));
  const setup = await setupStatus();
  return (
    <AuthCard title="Sign in">
      {setup.needed ? (
        <p className="mb-4 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          No administrator exists yet.{" "}
          <Link href="/setup" className="font-medium underline">
            Create the first one
          </Link>
          .
        </p>
      ) : null}
      <SignInForm next={target} />
    </AuthCard>
  );
}
