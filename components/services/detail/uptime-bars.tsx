"use client";

import { useFormatter, useTranslations } from "next-intl";
import useSWR from "swr";
import { LoadError } from "@/components/api/load-error";
import type { UptimeWindow, UptimeWindowName } from "@/lib/core/uptime";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { STATUS_HEX } from "../status-style";

const WINDOWS: UptimeWindowName[] = ["24h", "7d", "30d"];

export function UptimeBars({ id }: { id: string }) {
  const t = useTranslations("Service");
  const ts = useTranslations("Status");
  const format = useFormatter();
  const { data, error } = useSWR<Record<UptimeWindowName, UptimeWindow>>(`/api/services/${encodeURIComponent(id)}/uptime`);
  const percent = (v: number | null) => (v === null ? t("noData") : format.number(v, { style: "percent", maximumFractionDigits: 2 }));
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("uptime")}</h2>
      {!data && error ? (
        <LoadError error={error} title={t("sectionLoadFailed")} />
      ) : !data ? (
        <Skeleton className="h-24" />
      ) : (
        <div className="space-y-3">
          {WINDOWS.map((w) => (
            <div key={w} data-window={w}>
              <div className="mb-1 flex justify-between text-sm">
                <span>{t(`window.${w}`)}</span>
                <span className="font-semibold">{percent(data[w].uptime)}</span>
              </div>
              <div className="flex h-6 gap-px" role="img" aria-label={t("uptimeBarsLabel", { window: t(`window.${w}`), uptime: percent(data[w].uptime) })}>
                {data[w].buckets.map((b) => (
                  <span
                    key={b.start}
                    className="flex-1 rounded-sm"
                    style={{ background: b.worst ? STATUS_HEX[b.worst] : "var(--color-slate-300)" }}
                    title={`${format.dateTime(new Date(b.start), { dateStyle: "short", timeStyle: "short" })}: ${b.worst ? ts(b.worst) : t("noData")} · ${percent(b.uptime)}`}
                  />
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
