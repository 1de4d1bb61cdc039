"use client";

import { useTranslations } from "next-intl";
import useSWR from "swr";
import { LoadError } from "@/components/api/load-error";
import type { ServiceView } from "@/lib/services/service-view";
import { ApiError } from "@/components/api/fetch-json";
import { useUser } from "@/components/auth/user-context";
import { Link } from "@/i18n/navigation";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { StatusBadge } from "../status-badge";
import { DeleteService } from "./delete-service";
import { EditService } from "./edit-service";
import { EventsTimeline } from "./events-timeline";
import { HeartbeatHelp } from "./heartbeat-help";
import { MetadataTable } from "./metadata-table";
import { UptimeBars } from "./uptime-bars";

export function ServiceDetail({ id }: { id: string }) {
  const t = useTranslations("Service");
  const user = useUser();
  const url = `/api/services/${encodeURIComponent(id)}`;
  const { data, error } = useSWR<ServiceView>(url);

  if (error instanceof ApiError && error.status === 404) {
    return (
      <Notice title={t("notFound", { id })}>
        <Link href="/" className="underline">
          {t("back")}
        </Link>
      </Notice>
    );
  }
  if (!data) {
    return error ? (
      <LoadError error={error} title={t("loadFailed")} />
    ) : (
      <div role="status" aria-label={t("loading")} className="space-y-3">
        <Skeleton className="h-10 w-1/2" />
        <Skeleton className="h-32" />
        <Skeleton className="h-48" />
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href="/" className="text-sky-800 underline dark:text-sky-300">
          {t("back")}
        </Link>
      </nav>
      {error && <Notice tone="error" title={t("stale")} />}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold break-all">{data.name}</h1>
        <StatusBadge status={data.status} />
        {data.paused && <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-900 dark:bg-slate-700 dark:text-slate-100">{t("paused")}</span>}
      </div>
      <Card>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <Item label={t("id")}><code className="break-all">{data.id}</code></Item>
          <Item label={t("message")}>{data.message ?? <span className="italic">{t("noMessage")}</span>}</Item>
          <Item label={t("lastHeartbeat")}><TimeAgo value={data.last_heartbeat} /></Item>
          <Item label={t("threshold")}>
            {t("seconds", { seconds: data.stale_threshold })} {data.stale_threshold_override ? "" : t("defaultThreshold")}
          </Item>
          <Item label={t("created")}><TimeAgo value={data.created_at} /></Item>
          <Item label={t("updated")}><TimeAgo value={data.updated_at} /></Item>
        </dl>
      </Card>
      <UptimeBars id={data.id} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <MetadataTable metadata={data.metadata} />
        <HeartbeatHelp id={data.id} />
      </div>
      <EventsTimeline id={data.id} />
      {user.role === "admin" && (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <EditService service={data} />
          <DeleteService id={data.id} name={data.name} />
        </div>
      )}
    </div>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}
