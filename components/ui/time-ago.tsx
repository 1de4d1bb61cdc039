"use client";

import { useFormatter, useNow, useTranslations } from "next-intl";
import { usePreferences } from "@/components/settings/preferences";

/** A time shown the way the user chose (relative, ticking every second, or absolute); the exact time on hover. */
export function TimeAgo({ value }: { value: string | null }) {
  const t = useTranslations("Time");
  const format = useFormatter();
  const now = useNow({ updateInterval: 1000 });
  const { timeStyle } = usePreferences();
  if (!value) return <span>{t("never")}</span>;
  const date = new Date(value);
  const absolute = format.dateTime(date, { dateStyle: "medium", timeStyle: "medium" });
  const shown = timeStyle === "absolute" ? absolute : Math.abs(now.getTime() - date.getTime()) < 5_000 ? t("justNow") : format.relativeTime(date, now);
  return (
    <time dateTime={value} title={absolute} suppressHydrationWarning>
      {shown}
    </time>
  );
}
