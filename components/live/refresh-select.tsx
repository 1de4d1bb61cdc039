"use client";

import { useTranslations } from "next-intl";
import { usePreferences, type RefreshMode } from "@/components/settings/preferences";
import { Button } from "@/components/ui/button";
import { useLive } from "./live-provider";

const MODES: RefreshMode[] = ["live", "manual", "5", "10", "30", "60"];

/** The original's auto-refresh choice: live updates, manual, or every 5–60 s; plus a refresh-now button. */
export function RefreshSelect() {
  const t = useTranslations("Live");
  const { refresh, set } = usePreferences();
  const { refreshAll } = useLive();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="refresh-mode" className="text-sm">
        {t("refreshLabel")}
      </label>
      <select
        id="refresh-mode"
        value={refresh}
        onChange={(e) => set("refresh", e.target.value as RefreshMode)}
        className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900"
      >
        {MODES.map((m) => (
          <option key={m} value={m}>
            {m === "live" || m === "manual" ? t(`mode.${m}`) : t("everySeconds", { seconds: Number(m) })}
          </option>
        ))}
      </select>
      {refresh !== "live" && <Button onClick={refreshAll}>{t("refreshNow")}</Button>}
    </div>
  );
}
