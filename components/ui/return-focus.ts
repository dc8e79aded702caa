/** The element that has focus now, to give it back when a dialog closes. */
export function focusedElement(): HTMLElement | null {
  if (typeof document === "undefined") return null;
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Gives focus back to the control that opened a dialog, or, when that control is gone
 * (its row was deleted), to a sensible neighbour. For Radix's onCloseAutoFocus, whose
 * default looks for a Dialog.Trigger that these dialogs do not have.
 */
export function returnFocus(event: Event, opener: HTMLElement | null, fallback?: () => HTMLElement | null) {
  event.preventDefault();
  const target = opener?.isConnected ? opener : (fallback?.() ?? null);
  target?.focus();
}
