import { useFormatter, useTranslations } from "next-intl";
import { STATUSES, type Status } from "@/lib/core/status";
import { STATUS_HEX } from "./status-style";

/** The whole fleet at a glance: the total and how many are in each status. */
export function SummaryBar({ total, counts }: { total: number; counts: Record<Status, number> }) {
  const t = useTranslations("Overview");
  const ts = useTranslations("Status");
  const format = useFormatter();
  return (
    <section aria-label={t("summary")} className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-8">
      <div className="rounded-lg border border-slate-300 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
        <div className="text-xs text-slate-700 dark:text-slate-300">{t("total")}</div>
        <div className="text-2xl font-semibold" data-testid="summary-total">
          {format.number(total)}
        </div>
      </div>
      {STATUSES.map((s) => (
        <div key={s} className="rounded-lg border border-slate-300 bg-white p-3 dark:border-slate-700 dark:bg-slate-900" style={{ borderTop: `4px solid ${STATUS_HEX[s]}` }}>
          <div className="text-xs text-slate-700 dark:text-slate-300">{ts(s)}</div>
          <div className="text-2xl font-semibold" data-testid={`summary-${s}`}>
            {format.number(counts[s])}
          </div>
        </div>
      ))}
    </section>
  );
}
