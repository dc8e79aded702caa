import type { Metadata } from "next";
import { CatoSourceNotice } from "@/components/cato/cato-source-notice";
import { RecentEvents } from "@/components/events/recent-events";

export const metadata: Metadata = { title: "Events · SASE Management Console" };

export default function EventsPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Events</h1>
      <CatoSourceNotice />
      <RecentEvents />
    </>
  );
}
