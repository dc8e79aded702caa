"use client";

import { useSyncExternalStore } from "react";
import { formatLocalTime, formatRelativeTime } from "@/components/ui/format-time";

const TICK_MS = 1_000;

// One clock for every relative time on the page, ticking only while one is shown.
let nowMs = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    nowMs = Date.now();
    timer = setInterval(() => {
      nowMs = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The page's clock, ticking each second while shown; null while rendering on the server. */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => nowMs,
    () => null,
  );
}

/**
 * A moment as "2 minutes ago" (or "in 30 seconds"), kept current as time passes; the
 * local date and time in its tooltip. The server renders the local time, since it
 * cannot know the reader's clock.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useSyncExternalStore(
    subscribe,
    () => nowMs,
    () => null,
  );
  const local = formatLocalTime(iso);
  return (
    <time dateTime={iso} title={local}>
      {now === null ? local : formatRelativeTime(iso, now)}
    </time>
  );
}
