"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import useSWR from "swr";
import { LoadError } from "@/components/api/load-error";
import { USER_ROLES } from "@/lib/core/user-schemas";
import type { UserView } from "@/lib/services/users/user-view";
import { ApiError, fetchJson } from "@/components/api/fetch-json";
import { useUser } from "@/components/auth/user-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { AdminTable, cell } from "./admin-table";

export function UsersAdmin() {
  const t = useTranslations("Users");
  const me = useUser();
  const { data, error, mutate } = useSWR<{ users: UserView[] }>("/api/users");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [removing, setRemoving] = useState<UserView | null>(null);
  const [passwordFor, setPasswordFor] = useState<UserView | null>(null);

  const explain = (error: unknown) =>
    error instanceof ApiError && error.status === 409 ? (error.message.includes("last admin") ? t("lastAdmin") : t("taken")) : error instanceof ApiError && error.fields ? t("invalid") : t("failed");

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    try {
      await fetchJson("/api/users", { method: "POST", json: { username: form.get("username"), password: form.get("password"), role: form.get("role") } });
      formEl.reset();
      setMessage({ tone: "ok", text: t("added") });
      await mutate();
    } catch (error) {
      setMessage({ tone: "error", text: explain(error) });
    }
  }

  async function changePassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await fetchJson(`/api/users/${passwordFor!.id}`, { method: "PATCH", json: { password: form.get("password") } });
      setPasswordFor(null);
      setMessage({ tone: "ok", text: t("passwordChanged") });
    } catch (error) {
      setMessage({ tone: "error", text: explain(error) });
    }
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("heading")}</h1>
      {message && (
        <p role={message.tone === "error" ? "alert" : "status"} className={message.tone === "error" ? "text-sm text-red-700 dark:text-red-400" : "text-sm text-emerald-800 dark:text-emerald-300"}>
          {message.text}
        </p>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">{t("add")}</h2>
        <form onSubmit={add} className="flex flex-wrap items-end gap-4">
          <Field label={t("username")} name="username" required autoComplete="off" className="min-w-40 flex-1" />
          <Field label={t("password")} name="password" type="password" required minLength={8} autoComplete="new-password" hint={t("passwordHint")} className="min-w-40 flex-1" />
          <div>
            <label htmlFor="f-role" className="mb-1 block text-sm font-medium">{t("role")}</label>
            <select id="f-role" name="role" className="rounded-md border border-slate-400 bg-white px-2 py-2 text-sm dark:border-slate-600 dark:bg-slate-900">
              {USER_ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
            </select>
          </div>
          <Button type="submit" variant="primary">{t("addButton")}</Button>
        </form>
      </Card>
      {passwordFor && (
        <Card>
          <h2 className="mb-3 font-semibold">{t("changePasswordFor", { name: passwordFor.username })}</h2>
          <form onSubmit={changePassword} className="flex flex-wrap items-end gap-4">
            <Field label={t("newPassword")} name="password" id="f-new-password" type="password" required minLength={8} autoComplete="new-password" className="min-w-48 flex-1" />
            <Button type="submit" variant="primary">{t("save")}</Button>
            <Button onClick={() => setPasswordFor(null)}>{t("cancel")}</Button>
          </form>
        </Card>
      )}
      {error && !data ? (
        <LoadError error={error} title={t("loadFailed")} />
      ) : !data ? (
        <Skeleton className="h-32" />
      ) : (
        <AdminTable caption={t("heading")} headers={[t("username"), t("role"), t("created"), ""]} testId="users">
          {data.users.map((u) => (
            <tr key={u.id} data-user={u.username}>
              <td className={cell}>{u.username}{u.id === me.id ? ` (${t("you")})` : ""}</td>
              <td className={cell}>{t(`roles.${u.role}`)}</td>
              <td className={cell}><TimeAgo value={u.created_at} /></td>
              <td className={`${cell} space-x-2 text-right whitespace-nowrap`}>
                <Button onClick={() => setPasswordFor(u)} aria-label={t("changePasswordFor", { name: u.username })}>{t("changePassword")}</Button>
                <Button variant="danger" onClick={() => setRemoving(u)} aria-label={t("removeNamed", { name: u.username })}>{t("remove")}</Button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t("removeTitle", { name: removing?.username ?? "" })}
        confirmLabel={t("remove")}
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          try {
            if (removing) await fetchJson(`/api/users/${removing.id}`, { method: "DELETE" });
          } catch (error) {
            setMessage({ tone: "error", text: explain(error) });
          }
          setRemoving(null);
          await mutate();
        }}
      />
    </div>
  );
}
