"use client";

import { useEffect, useRef } from "react";

/** What counts as the user's next action: pressing a control, submitting a form, or editing a field. */
function isAction(event: Event): boolean {
  if (event.type !== "click") return true;
  return event.target instanceof Element && event.target.closest("button, a[href], [role='button'], summary") !== null;
}

/**
 * A server error describes the attempt that failed, not the page from then on: while it is
 * shown, the user's next action anywhere on the page (a button, a link, a submit, an edit)
 * clears it. A retry that fails again shows its own error.
 */
export function useClearOnNextAction(isShown: boolean, clear: () => void): void {
  const clearRef = useRef(clear);
  useEffect(() => {
    clearRef.current = clear;
  });
  useEffect(() => {
    if (!isShown) return;
    const onAction = (event: Event) => {
      if (isAction(event)) clearRef.current();
    };
    const types = ["click", "submit", "input"] as const;
    for (const type of types) document.addEventListener(type, onAction, true);
    return () => {
      for (const type of types) document.removeEventListener(type, onAction, true);
    };
  }, [isShown]);
}
