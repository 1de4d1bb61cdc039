"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import useSWR from "swr";
import { LoadError } from "@/components/api/load-error";
import { API_SCOPES, type ApiScope } from "@/lib/core/schemas";
import { fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { AdminTable, cell } from "./admin-table";

type Key = { id: string; name: string; prefix: string; scopes: ApiScope[]; created_at: string; last_used_at: string | null };

export function KeysAdmin() {
  const t = useTranslations("Keys");
  const { data, error, mutate } = useSWR<{ keys: Key[] }>("/api/keys");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const scopes = API_SCOPES.filter((s) => form.get(`scope-${s}`) === "on");
    if (scopes.length === 0) return setFormError(t("pickScope"));
    setFormError(null);
    try {
      const key = await fetchJson<{ name: string; key: string }>("/api/keys", { method: "POST", json: { name: form.get("name"), scopes } });
      setCreated(key);
      formEl.reset();
      await mutate();
    } catch {
      setFormError(t("createFailed"));
    }
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("heading")}</h1>
      <p className="text-sm text-slate-700 dark:text-slate-300">{t("intro")}</p>
      {created && (
        <div role="status" className="rounded-lg border border-emerald-400 bg-emerald-50 p-4 dark:border-emerald-700 dark:bg-emerald-950">
          <p className="font-semibold">{t("createdHeading", { name: created.name })}</p>
          <p className="mb-2 text-sm">{t("createdOnce")}</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-white p-2 text-sm dark:bg-slate-900" data-testid="new-key">
              {created.key}
            </code>
            <CopyButton text={created.key} label={t("copyKey")} />
            <Button onClick={() => setCreated(null)}>{t("done")}</Button>
          </div>
        </div>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">{t("create")}</h2>
        <form onSubmit={create} className="flex flex-wrap items-end gap-4">
          <Field label={t("name")} name="name" required maxLength={100} className="min-w-48 flex-1" />
          <fieldset className="flex gap-3">
            <legend className="mb-1 text-sm font-medium">{t("scopes")}</legend>
            {API_SCOPES.map((s) => (
              <label key={s} className="flex items-center gap-1 text-sm">
                <input type="checkbox" name={`scope-${s}`} defaultChecked={s === "write"} className="h-4 w-4" />
                {t(`scope.${s}`)}
              </label>
            ))}
          </fieldset>
          <Button type="submit" variant="primary">{t("createButton")}</Button>
        </form>
        {formError && <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{formError}</p>}
      </Card>
      {error && !data ? (
        <LoadError error={error} title={t("loadFailed")} />
      ) : !data ? (
        <Skeleton className="h-32" />
      ) : data.keys.length === 0 ? (
        <Notice title={t("empty")} />
      ) : (
        <AdminTable caption={t("heading")} headers={[t("name"), t("prefix"), t("scopes"), t("created"), t("lastUsed"), ""]} testId="keys">
          {data.keys.map((k) => (
            <tr key={k.id} data-key={k.name}>
              <td className={cell}>{k.name}</td>
              <td className={cell}><code>{k.prefix}…</code></td>
              <td className={cell}>{k.scopes.map((s) => t(`scope.${s}`)).join(", ")}</td>
              <td className={cell}><TimeAgo value={k.created_at} /></td>
              <td className={cell}><TimeAgo value={k.last_used_at} /></td>
              <td className={`${cell} text-right`}>
                <Button variant="danger" onClick={() => setRevoking(k)} aria-label={t("revokeNamed", { name: k.name })}>
                  {t("revoke")}
                </Button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={t("revokeTitle", { name: revoking?.name ?? "" })}
        confirmLabel={t("revoke")}
        onCancel={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking) await fetchJson(`/api/keys/${revoking.id}`, { method: "DELETE" }).catch(() => undefined);
          setRevoking(null);
          await mutate();
        }}
      >
        {t("revokeText")}
      </ConfirmDialog>
    </div>
  );
}
