import type { Status } from "@/lib/core/status";

// Colours per status: text on a tinted background, chosen for at least 4.5:1 contrast in both themes.
export const STATUS_BADGE: Record<Status, string> = {
  healthy: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/60 dark:text-emerald-100",
  warning: "bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100",
  degraded: "bg-orange-100 text-orange-900 dark:bg-orange-900/60 dark:text-orange-100",
  error: "bg-red-100 text-red-900 dark:bg-red-900/60 dark:text-red-100",
  busy: "bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-100",
  stale: "bg-purple-100 text-purple-900 dark:bg-purple-900/60 dark:text-purple-100",
  unknown: "bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-slate-100",
};

/** The solid colour of a status: the card's edge, the uptime bars and the favicon. */
export const STATUS_HEX: Record<Status, string> = {
  healthy: "#059669",
  warning: "#d97706",
  degraded: "#ea580c",
  error: "#dc2626",
  busy: "#0284c7",
  stale: "#9333ea",
  unknown: "#64748b",
};
