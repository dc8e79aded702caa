"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { TRole } from "@/lib/auth/caller";

export type TCurrentUser = { label: string; role: TRole };

const CurrentUserContext = createContext<TCurrentUser | null>(null);

export function CurrentUserProvider({ user, children }: { user: TCurrentUser; children: ReactNode }) {
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}

export function useCurrentUser(): TCurrentUser | null {
  return useContext(CurrentUserContext);
}

/** True for an Admin. The API enforces roles; this only hides what a Viewer could not do anyway. */
export function useCanManage(): boolean {
  return useCurrentUser()?.role === "admin";
}
