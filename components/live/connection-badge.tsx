"use client";

import { useTranslations } from "next-intl";
import { useLive } from "./live-provider";

const DOT: Record<string, string> = {
  live: "bg-emerald-600",
  connecting: "bg-amber-500",
  reconnecting: "bg-red-600 animate-pulse",
  off: "bg-slate-400",
};

/** Says whether live updates are flowing; "disconnected, reconnecting" when the stream dropped. */
export function ConnectionBadge() {
  const t = useTranslations("Live");
  const { connection } = useLive();
  return (
    <span role="status" aria-live="polite" data-connection={connection} className="flex items-center gap-1.5 text-xs text-slate-700 dark:text-slate-300">
      <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-full ${DOT[connection]}`} />
      <span className={connection === "reconnecting" ? "font-semibold text-red-700 dark:text-red-400" : "hidden sm:inline"}>{t(connection)}</span>
    </span>
  );
}
