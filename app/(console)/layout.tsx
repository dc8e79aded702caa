import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console-nav";
import { NoWorkerBanner } from "@/components/health/no-worker-banner";

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex h-12 items-center bg-slate-900 px-4 text-white">
        <span className="font-semibold tracking-wide">SASE Management Console</span>
      </header>
      <div className="flex flex-1">
        <ConsoleNav />
        <main id="main" className="flex-1 p-6">
          <NoWorkerBanner />
          {children}
        </main>
      </div>
    </div>
  );
}
