"use client";

import Link from "next/link";
import { useState } from "react";
import { useCurrentUser } from "@/components/auth/current-user";

/** The signed-in user, their role and Sign out, in the console's top bar. */
export function UserMenu() {
  const user = useCurrentUser();
  const [isSigningOut, setIsSigningOut] = useState(false);
  if (!user) return null;
  const signOut = async () => {
    setIsSigningOut(true);
    await fetch("/api/auth/sign-out", { method: "POST" }).catch(() => undefined);
    // A full page load, on purpose: it drops every reply cached for the previous session.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/sign-in");
  };
  return (
    <div className="ml-auto flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <span data-testid="signed-in-user" className="min-w-0 break-all">
        {user.label}{" "}
        <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs whitespace-nowrap">
          {user.role === "admin" ? "Admin" : "Viewer"}
        </span>
      </span>
      <Link
        href="/account"
        className="rounded px-2 py-1 text-white underline-offset-2 hover:underline focus:outline-none focus:ring-2 focus:ring-white"
      >
        Account
      </Link>
      <button
        type="button"
        onClick={() => void signOut()}
        disabled={isSigningOut}
        className="rounded px-2 py-1 text-white underline-offset-2 hover:underline focus:outline-none focus:ring-2 focus:ring-white"
      >
        Sign out
      </button>
    </div>
  );
}
