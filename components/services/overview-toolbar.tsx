import { useTranslations } from "next-intl";
import type { OverviewSort } from "@/lib/core/overview";
import { OVERVIEW_SORTS } from "@/lib/core/overview";
import type { ViewMode } from "@/components/settings/preferences";
import { RefreshSelect } from "@/components/live/refresh-select";

type Props = {
  search: string;
  onSearch: (q: string) => void;
  sort: OverviewSort;
  onSort: (s: OverviewSort) => void;
  view: ViewMode;
  onView: (v: ViewMode) => void;
};

const select = "rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

export function OverviewToolbar({ search, onSearch, sort, onSort, view, onView }: Props) {
  const t = useTranslations("Overview");
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="min-w-0 flex-1 basis-64">
        <label htmlFor="service-search" className="mb-1 block text-sm">
          {t("searchLabel")}
        </label>
        <input
          id="service-search"
          type="search"
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          placeholder={t("searchPlaceholder")}
          className="w-full rounded-md border border-slate-400 bg-white px-3 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900"
        />
      </div>
      <div>
        <label htmlFor="service-sort" className="mb-1 block text-sm">
          {t("sortLabel")}
        </label>
        <select id="service-sort" value={sort} onChange={(e) => onSort(e.target.value as OverviewSort)} className={select}>
          {OVERVIEW_SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`sort.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div role="group" aria-label={t("viewLabel")} className="flex overflow-hidden rounded-md border border-slate-400 dark:border-slate-600">
        {(["grid", "table"] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={view === v}
            onClick={() => onView(v)}
            className={`px-3 py-1.5 text-sm ${view === v ? "bg-sky-700 text-white" : "bg-white hover:bg-slate-100 dark:bg-slate-900 dark:hover:bg-slate-800"}`}
          >
            {t(`view.${v}`)}
          </button>
        ))}
      </div>
      <RefreshSelect />
    </div>
  );
}
