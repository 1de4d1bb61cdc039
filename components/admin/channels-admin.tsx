"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import useSWR from "swr";
import { LoadError } from "@/components/api/load-error";
import type { ChannelView } from "@/lib/services/channels/channel-view";
import { fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { AdminTable, cell } from "./admin-table";
import { ChannelForm } from "./channel-form";

type TestResult = { ok: boolean; error?: string };

export function ChannelsAdmin() {
  const t = useTranslations("Channels");
  const { data, error, mutate } = useSWR<{ channels: ChannelView[] }>("/api/channels");
  const [results, setResults] = useState<Record<string, TestResult | "sending">>({});
  const [removing, setRemoving] = useState<ChannelView | null>(null);

  async function test(c: ChannelView) {
    setResults((r) => ({ ...r, [c.id]: "sending" }));
    const result = await fetchJson<TestResult>(`/api/channels/${c.id}/test`, { method: "POST" }).catch((e: Error) => ({ ok: false, error: e.message }));
    setResults((r) => ({ ...r, [c.id]: result }));
    await mutate();
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("heading")}</h1>
      <p className="text-sm text-slate-700 dark:text-slate-300">{t("intro")}</p>
      <ChannelForm onCreated={() => mutate()} />
      {error && !data ? (
        <LoadError error={error} title={t("loadFailed")} />
      ) : !data ? (
        <Skeleton className="h-32" />
      ) : data.channels.length === 0 ? (
        <Notice title={t("empty")}>{t("emptyHint")}</Notice>
      ) : (
        <AdminTable caption={t("heading")} headers={[t("name"), t("type"), t("levels"), t("state"), ""]} testId="channels">
          {data.channels.map((c) => {
            const result = results[c.id];
            return (
              <tr key={c.id} data-channel={c.name}>
                <td className={cell}>
                  {c.name}
                  <div className="text-xs text-slate-600 dark:text-slate-400">{String(c.config.url ?? c.config.host ?? "")}</div>
                </td>
                <td className={cell}>{t(`types.${c.type}`)}</td>
                <td className={cell}>{c.levels.map((l) => t(`level.${l}`)).join(", ")}</td>
                <td className={cell} data-testid="channel-state">
                  {c.broken ? (
                    <span className="font-semibold text-red-700 dark:text-red-400">{t("broken", { reason: c.broken.reason ?? "" })}</span>
                  ) : c.enabled ? (
                    t("working")
                  ) : (
                    t("disabled")
                  )}
                  {c.managed && <div className="text-xs">{t("managed")}</div>}
                  {result && (
                    <div role="status" className="text-xs" data-testid="test-result">
                      {result === "sending" ? t("sending") : result.ok ? t("testOk") : t("testFailed", { error: result.error ?? "" })}
                    </div>
                  )}
                </td>
                <td className={`${cell} space-x-2 text-right whitespace-nowrap`}>
                  <Button onClick={() => test(c)} disabled={result === "sending"} aria-label={t("testNamed", { name: c.name })}>
                    {t("test")}
                  </Button>
                  {!c.managed && (
                    <Button variant="danger" onClick={() => setRemoving(c)} aria-label={t("removeNamed", { name: c.name })}>
                      {t("remove")}
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t("removeTitle", { name: removing?.name ?? "" })}
        confirmLabel={t("remove")}
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          if (removing) await fetchJson(`/api/channels/${removing.id}`, { method: "DELETE" }).catch(() => undefined);
          setRemoving(null);
          await mutate();
        }}
      >
        {t("removeText")}
      </ConfirmDialog>
    </div>
  );
}
