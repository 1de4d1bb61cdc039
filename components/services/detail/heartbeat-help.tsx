"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";

/** How to send this service a heartbeat, and its monitor link, ready to copy. */
export function HeartbeatHelp({ id }: { id: string }) {
  const t = useTranslations("Service");
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  const curl = `curl -X POST ${origin}/api/services/${encodeURIComponent(id)}/heartbeat \\\n  -H "Authorization: Bearer $LANESWAP_KEY" -H "Content-Type: application/json" \\\n  -d '{"status": "healthy", "message": "OK"}'`;
  const monitor = `${origin}/?service=${encodeURIComponent(id)}`;
  return (
    <Card>
      <h2 className="mb-2 font-semibold">{t("sendHeartbeat")}</h2>
      <pre tabIndex={0} aria-label={t("sendHeartbeat")} className="overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-800" data-testid="curl">
        <code>{curl}</code>
      </pre>
      <div className="mt-2 flex justify-end">
        <CopyButton text={curl} label={t("copyCurl")} />
      </div>
      <h3 className="mt-3 mb-1 text-sm font-semibold">{t("monitorLink")}</h3>
      <div className="flex items-center gap-2">
        <a href={monitor} className="min-w-0 flex-1 truncate text-sm text-sky-800 underline dark:text-sky-300">
          {monitor}
        </a>
        <CopyButton text={monitor} label={t("copyLink")} />
      </div>
    </Card>
  );
}
