"use client";

import { Button } from "@/components/ui/button";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";
import { usePauseIntegration } from "@/components/integrations/use-pause-integration";
import type { TIntegration } from "@/lib/integrations/schema";

/** Pause or Resume, whichever applies; named after the connector so a row's button is unambiguous. */
export function PauseButton({
  integration,
  variant = "ghost",
}: {
  integration: Pick<TIntegration, "id" | "name" | "paused">;
  variant?: "ghost" | "secondary";
}) {
  const pause = usePauseIntegration();
  const verb = integration.paused ? "Resume" : "Pause";
  useClearOnNextAction(Boolean(pause.error), pause.reset);
  return (
    <>
      <Button
        variant={variant}
        aria-label={`${verb} ${integration.name}`}
        // Not `disabled`, which would drop keyboard focus to the page while it saves.
        aria-disabled={pause.isPending || undefined}
        onClick={() => {
          if (pause.isPending) return;
          pause.mutate({ id: integration.id, paused: !integration.paused });
        }}
      >
        {pause.isPending ? (integration.paused ? "Resuming…" : "Pausing…") : verb}
      </Button>
      {pause.error ? (
        <span role="alert" className="block text-xs font-medium text-red-700">
          {verb} failed: {pause.error.message}
        </span>
      ) : null}
    </>
  );
}
