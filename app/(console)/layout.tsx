import type { ReactNode } from "react";
import { CurrentUserProvider } from "@/components/auth/current-user";
import { UserMenu } from "@/components/auth/user-menu";
import { ConsoleNav } from "@/components/console-nav";
import { NoWorkerBanner } from "@/components/health/no-worker-banner";
import { requireSignedIn } from "@/lib/auth/page";

/** Every console page needs a signed-in user; without one (or with an expired session) it goes to sign-in. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await requireSignedIn();
  return (
    <CurrentUserProvider user={{ label: actor.label, role: actor.role }}>
      <div className="flex min-h-full flex-col">
        <header className="flex h-12 items-center bg-slate-900 px-4 text-white">
          <span className="font-semibold tracking-wide">SASE Management Console</span>
          <UserMenu />
        </header>
        <div className="flex flex-1">
          <ConsoleNav />
          <main id="main" className="flex-1 p-6">
            <NoWorkerBanner />
            {children}
          </main>
        </div>
      </div>
    </CurrentUserProvider>
  );
}
