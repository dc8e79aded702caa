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
        <header className="flex min-h-12 flex-wrap items-center gap-x-4 gap-y-1 bg-slate-900 px-4 py-2 text-white">
          <span className="font-semibold tracking-wide">SASE Management Console</span>
          <UserMenu />
        </header>
        {/* min-w-0: a wide table scrolls inside its own frame instead of widening the page. */}
        <div className="flex flex-1 flex-col md:flex-row">
          <ConsoleNav />
          <main id="main" className="min-w-0 flex-1 p-4 md:p-6">
            <NoWorkerBanner />
            {children}
          </main>
        </div>
      </div>
    </CurrentUserProvider>
  );
}
