"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import useSWRInfinite from "swr/infinite";
import { LoadError } from "@/components/api/load-error";
import type { EventView } from "@/lib/services/service-view";
import { useLive } from "@/components/live/live-provider";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { StatusBadge } from "../status-badge";

type Page = { events: EventView[]; next_cursor: string | null };
const PAGE = 20;

/** Heartbeats and status changes, newest first, a page at a time. */
export function EventsTimeline({ id }: { id: string }) {
  const t = useTranslations("Service");
  const base = `/api/services/${encodeURIComponent(id)}/events?limit=${PAGE}`;
  const { data, error, size, setSize, isValidating, mutate } = useSWRInfinite<Page>((index, previous: Page | null) => {
    if (index === 0) return base;
    return previous?.next_cursor ? `${base}&before=${previous.next_cursor}` : null;
  });
  // Live changes reach every other query on the page through SWR; the pages of an infinite list need asking.
  const { revision } = useLive();
  useEffect(() => {
    if (revision > 0) void mutate();
  }, [revision, mutate]);
  const events = data?.flatMap((p) => p.events) ?? [];
  const more = data?.[data.length - 1]?.next_cursor;
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("history")}</h2>
      {!data && error ? (
        <LoadError error={error} title={t("sectionLoadFailed")} />
      ) : !data ? (
        <Skeleton className="h-40" />
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">{t("noEvents")}</p>
      ) : (
        <ol className="divide-y divide-slate-200 dark:divide-slate-700" data-testid="timeline">
          {events.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm" data-type={e.type}>
              <span className="w-24 shrink-0 text-xs text-slate-700 dark:text-slate-300">
                <TimeAgo value={e.timestamp} />
              </span>
              {e.type === "flip" ? (
                <span className="flex items-center gap-1 font-semibold">
                  {e.from && <StatusBadge status={e.from} />}
                  <span aria-hidden>→</span>
                  <span className="sr-only">{t("changedTo")}</span>
                  <StatusBadge status={e.status} />
                  {e.reason && <span className="text-xs font-normal text-slate-700 dark:text-slate-300">{t(`reason.${e.reason}`)}</span>}
                </span>
              ) : (
                <span className="flex items-center gap-2">
                  <span className="text-xs text-slate-700 dark:text-slate-300">{t("heartbeat")}</span>
                  <StatusBadge status={e.status} />
                </span>
              )}
              {e.message && <span className="min-w-0 flex-1 break-words">{e.message}</span>}
            </li>
          ))}
        </ol>
      )}
      {more && (
        <div className="mt-3 flex justify-center">
          <Button onClick={() => setSize(size + 1)} disabled={isValidating}>
            {t("older")}
          </Button>
        </div>
      )}
    </Card>
  );
}
