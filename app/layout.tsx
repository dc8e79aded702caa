import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "SASE Management Console",
  description: "Stream Cato events and flows into Splunk",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so that its scripts carry that request's CSP nonce.
  await connection();
  return (
    <html lang="en">
      <body className="bg-slate-50 font-sans text-slate-900 antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
