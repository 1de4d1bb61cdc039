import { useTranslations } from "next-intl";
import { memo } from "react";
import { Link } from "@/i18n/navigation";
import type { ServiceView } from "@/lib/services/service-view";
import { TimeAgo } from "@/components/ui/time-ago";
import { StatusBadge } from "./status-badge";
import { STATUS_HEX } from "./status-style";

// Memoised: typing in the search box or clicking a chip re-renders the overview before the answer arrives, and the
// same page of services need not be drawn again. The links do not prefetch: a page of 60 services would otherwise
// ask the server to render 60 service pages after every search, filter and live update.
export const ServiceGrid = memo(function ServiceGrid({ services }: { services: ServiceView[] }) {
  const t = useTranslations("Overview");
  return (
    <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4" data-testid="service-grid">
      {services.map((s) => (
        <li key={s.id} data-service={s.id} data-status={s.status}>
          <Link
            href={`/services/${encodeURIComponent(s.id)}`}
            prefetch={false}
            className="block h-full rounded-lg border border-slate-300 bg-white p-3 hover:border-sky-600 dark:border-slate-700 dark:bg-slate-900"
            style={{ borderLeft: `4px solid ${STATUS_HEX[s.status]}` }}
          >
            <div className="flex items-start justify-between gap-2">
              <span className="min-w-0 truncate font-semibold">{s.name}</span>
              <StatusBadge status={s.status} />
            </div>
            <div className="truncate text-xs text-slate-600 dark:text-slate-400">{s.id}</div>
            <p className="mt-2 line-clamp-2 min-h-10 text-sm text-slate-800 dark:text-slate-200">{s.message || <span className="italic text-slate-600 dark:text-slate-400">{t("noMessage")}</span>}</p>
            <div className="mt-2 flex justify-between text-xs text-slate-700 dark:text-slate-300">
              <span>
                {t("lastHeartbeat")}: <TimeAgo value={s.last_heartbeat} />
              </span>
              {s.paused && <span className="font-semibold">{t("paused")}</span>}
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
});
