import type { ReactNode } from "react";

/** The frame of the pages outside the console: sign-in and first-run setup. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex h-12 items-center bg-slate-900 px-4 text-white">
        <span className="font-semibold tracking-wide">SASE Management Console</span>
      </header>
      <main id="main" className="flex flex-1 items-start justify-center p-6">
        <div className="mt-12 w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-xl font-semibold">{title}</h1>
          {children}
        </div>
      </main>
    </div>
  );
}
