"use client";

import { AlertDialog } from "radix-ui";
import { useLayoutEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { focusedElement, returnFocus } from "@/components/ui/return-focus";

type TAction = { isPending: boolean; error: Error | null; reset: () => void };

/**
 * Asks before something that cannot be undone (delete, revoke): Cancel, or the action,
 * which stays open showing the server's error if it fails and closes once it succeeds.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  pendingLabel,
  action,
  onConfirm,
  onClose,
  fallbackFocus,
}: {
  open: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  action: TAction;
  onConfirm: () => void;
  onClose: () => void;
  /** Where focus goes on close when the control that opened the dialog is gone. */
  fallbackFocus?: () => HTMLElement | null;
}) {
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    // Before the dialog takes focus: the control that opened it.
    if (open) opener.current = focusedElement();
  }, [open]);
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(isOpen) => {
        if (!isOpen) {
          action.reset();
          onClose();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <AlertDialog.Content
          onCloseAutoFocus={(event) => returnFocus(event, opener.current, fallbackFocus)}
          className="fixed top-1/3 left-1/2 w-[28rem] max-w-[90vw] -translate-x-1/2 rounded bg-white p-5 shadow-xl"
        >
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">{description}</AlertDialog.Description>
          {action.error ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {action.error.message}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            <Button variant="danger" disabled={action.isPending} onClick={onConfirm}>
              {action.isPending ? pendingLabel : confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
