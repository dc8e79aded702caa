import type { Metadata } from "next";

export const metadata: Metadata = { title: "Events · SASE Management Console" };

export default function EventsPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Events</h1>
      <p className="text-sm text-slate-700">The account&apos;s events will be listed here.</p>
    </>
  );
}
