import { useFormatter, useTranslations } from "next-intl";
import { STATUSES, type Status } from "@/lib/core/status";

type Props = { value: Status | null; counts: Record<Status, number>; onChange: (s: Status | null) => void };

/** Filter by status; each chip says how many services match the current search. */
export function StatusChips({ value, counts, onChange }: Props) {
  const t = useTranslations("Overview");
  const ts = useTranslations("Status");
  const format = useFormatter();
  const all = STATUSES.reduce((n, s) => n + counts[s], 0);
  const chip = (status: Status | null, label: string, count: number) => (
    <button
      key={status ?? "all"}
      type="button"
      aria-pressed={value === status}
      data-chip={status ?? "all"}
      onClick={() => onChange(status)}
      className={`rounded-full border px-3 py-1 text-sm ${value === status ? "border-sky-700 bg-sky-700 text-white" : "border-slate-400 bg-white hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800"}`}
    >
      {label} <span className="font-semibold">{format.number(count)}</span>
    </button>
  );
  return (
    <div role="group" aria-label={t("filterLabel")} className="flex flex-wrap gap-2">
      {chip(null, t("all"), all)}
      {STATUSES.map((s) => chip(s, ts(s), counts[s]))}
    </div>
  );
}
