"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCanManage } from "@/components/auth/current-user";

const SECTIONS = [
  { heading: "Monitoring", links: [{ href: "/events", label: "Events" }] },
  { heading: "Resources", links: [{ href: "/integrations", label: "Integrations" }] },
  {
    heading: "Administration",
    links: [
      { href: "/audit", label: "Audit Trail" },
      { href: "/cato-account", label: "Cato Account" },
      { href: "/access", label: "Users & API Keys", adminOnly: true },
    ],
  },
];

export function ConsoleNav() {
  const pathname = usePathname();
  const canManage = useCanManage();
  return (
    <nav aria-label="Console" className="w-56 shrink-0 border-r border-slate-200 bg-white p-3">
      {SECTIONS.map((section) => (
        <div key={section.heading} className="mb-4">
          <p className="px-2 pb-1 text-xs font-semibold uppercase tracking-wider text-slate-600">{section.heading}</p>
          <ul>
            {section.links
              .filter((link) => canManage || !("adminOnly" in link))
              .map((link) => {
                const isActive = pathname.startsWith(link.href);
                return (
                  <li key={link.href}>
                    <Link
                      href={link.href}
                      aria-current={isActive ? "page" : undefined}
                      className={`block rounded px-2 py-1.5 text-sm ${
                        isActive ? "bg-blue-50 font-medium text-brand" : "text-slate-700 hover:bg-slate-100"
                      }`}
                    >
                      {link.label}
                    </Link>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
