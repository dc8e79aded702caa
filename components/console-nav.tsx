"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
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

/** The console's sections: a sidebar on wide screens, a menu that opens on demand on narrow ones. */
export function ConsoleNav() {
  const pathname = usePathname();
  const canManage = useCanManage();
  const [isOpen, setIsOpen] = useState(false);
  // A page change closes the menu (adjusting state while rendering, as React recommends).
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setIsOpen(false);
  }
  return (
    <nav
      aria-label="Console"
      className="shrink-0 border-b border-slate-200 bg-white px-3 py-2 md:w-56 md:border-r md:border-b-0 md:p-3"
    >
      <button
        type="button"
        aria-expanded={isOpen}
        aria-controls="console-nav-sections"
        onClick={() => setIsOpen((open) => !open)}
        className="inline-flex items-center gap-2 rounded px-2 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand md:hidden"
      >
        <span aria-hidden="true">☰</span>
        Menu
      </button>
      <div id="console-nav-sections" className={`${isOpen ? "mt-2 block" : "hidden"} md:mt-0 md:block`}>
        {SECTIONS.map((section) => (
          <div key={section.heading} className="mb-4">
            <p className="px-2 pb-1 text-xs font-semibold tracking-wider text-slate-600 uppercase">{section.heading}</p>
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
      </div>
    </nav>
  );
}
