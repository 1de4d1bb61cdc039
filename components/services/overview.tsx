"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import useSWR from "swr";
import type { OverviewSort } from "@/lib/core/overview";
import type { Status } from "@/lib/core/status";
import type { Overview as OverviewData } from "@/lib/services/query-overview";
import { ApiError } from "@/components/api/fetch-json";
import { usePreferences } from "@/components/settings/preferences";
import { Notice } from "@/components/ui/notice";
import { GridSkeleton } from "@/components/ui/skeleton";
import { useDebounced } from "@/components/ui/use-debounced";
import { OverviewToolbar } from "./overview-toolbar";
import { SEARCH_DEBOUNCE_MS } from "./search-debounce";
import { Pager } from "./pager";
import { ServiceGrid } from "./service-grid";
import { ServiceTable } from "./service-table";
import { StatusChips } from "./status-chips";
import { SummaryBar } from "./summary-bar";
import { WorstStatus } from "./worst-status";

const PAGE = 60;

/** The fleet: summary, filters, search, sort, and one page of services as cards or a table. */
export function Overview() {
  const t = useTranslations("Overview");
  const { view, set } = usePreferences();
  const [status, setStatus] = useState<Status | null>(null);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<OverviewSort>("severity");
  const [offset, setOffset] = useState(0);
  const q = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

  const params = new URLSearchParams({ sort, offset: String(offset), limit: String(PAGE) });
  if (status) params.set("status", status);
  if (q) params.set("q", q);
  const { data, error, isLoading } = useSWR<OverviewData>(`/api/overview?${params}`);

  const reset = <T,>(setter: (v: T) => void) => (v: T) => {
    setter(v);
    setOffset(0);
  };

  return (
    <div className="space-y-4">
      <h1 className="sr-only">{t("heading")}</h1>
      {data && <WorstStatus worst={data.summary.worst} count={data.summary.worst ? data.summary.status_counts[data.summary.worst] : 0} />}
      {error && (
        <Notice tone="error" title={error instanceof ApiError && error.status === 0 ? t("unreachable") : t("loadFailed")}>
          {t("retrying")}
        </Notice>
      )}
      {data ? <SummaryBar total={data.summary.total} counts={data.summary.status_counts} /> : null}
      <OverviewToolbar search={search} onSearch={reset(setSearch)} sort={sort} onSort={reset(setSort)} view={view} onView={(v) => set("view", v)} />
      {data && <StatusChips value={status} counts={data.matching_counts} onChange={reset(setStatus)} />}
      {isLoading && !data ? (
        <GridSkeleton label={t("loading")} />
      ) : data && data.summary.total === 0 ? (
        <Notice title={t("emptyFleet")}>{t("emptyFleetHint")}</Notice>
      ) : data && data.total === 0 ? (
        <Notice title={t("noMatch")} />
      ) : data ? (
        <>
          <div aria-live="polite" className="sr-only">
            {t("resultCount", { count: data.total })}
          </div>
          {view === "table" ? <ServiceTable services={data.services} /> : <ServiceGrid services={data.services} />}
          <Pager offset={data.offset} limit={data.limit} total={data.total} onOffset={setOffset} />
        </>
      ) : null}
    </div>
  );
}
