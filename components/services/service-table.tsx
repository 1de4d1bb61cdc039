import { useTranslations } from "next-intl";
import { memo } from "react";
import { Link } from "@/i18n/navigation";
import type { ServiceView } from "@/lib/services/service-view";
import { TimeAgo } from "@/components/ui/time-ago";
import { StatusBadge } from "./status-badge";

// Memoised: typing in the search box or clicking a chip re-renders the overview before the answer arrives, and the
// same page of services need not be drawn again. The links do not prefetch: a page of 60 services would otherwise
// ask the server to render 60 service pages after every search, filter and live update.
export const ServiceTable = memo(function ServiceTable({ services }: { services: ServiceView[] }) {
  const t = useTranslations("Overview");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-300 dark:border-slate-700">
      <table className="w-full min-w-[640px] text-left text-sm" data-testid="service-table">
        <caption className="sr-only">{t("tableCaption")}</caption>
        <thead className="bg-slate-100 dark:bg-slate-800">
          <tr>
            <th scope="col" className="px-3 py-2">{t("colName")}</th>
            <th scope="col" className="px-3 py-2">{t("colStatus")}</th>
            <th scope="col" className="px-3 py-2">{t("colMessage")}</th>
            <th scope="col" className="px-3 py-2">{t("lastHeartbeat")}</th>
          </tr>
        </thead>
        <tbody className="bg-white dark:bg-slate-900">
          {services.map((s) => (
            <tr key={s.id} data-service={s.id} data-status={s.status} className="border-t border-slate-200 dark:border-slate-700">
              <td className="px-3 py-2">
                <Link href={`/services/${encodeURIComponent(s.id)}`} prefetch={false} className="font-semibold text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
                  {s.name}
                </Link>
                <div className="text-xs text-slate-600 dark:text-slate-400">{s.id}{s.paused ? ` · ${t("paused")}` : ""}</div>
              </td>
              <td className="px-3 py-2"><StatusBadge status={s.status} /></td>
              <td className="max-w-xs truncate px-3 py-2">{s.message ?? ""}</td>
              <td className="whitespace-nowrap px-3 py-2"><TimeAgo value={s.last_heartbeat} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
