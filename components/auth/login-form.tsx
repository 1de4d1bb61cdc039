"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("Login");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn("credentials", { redirect: false, username: form.get("username"), password: form.get("password") });
    if (result?.ok && !result.error) {
      // A full navigation, so the server renders with the new session cookie.
      window.location.assign(next);
      return;
    }
    setBusy(false);
    const locked = /^locked:(\d+)$/.exec(result?.error ?? "");
    setError(locked ? t("locked", { seconds: Number(locked[1]) }) : result?.status === 401 || result?.error === "CredentialsSignin" ? t("wrong") : t("failed"));
  }

  return (
    <Card className="w-full max-w-sm">
      <h1 className="mb-1 text-xl font-semibold">{t("heading")}</h1>
      <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">{t("intro")}</p>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label={t("username")} name="username" autoComplete="username" required autoFocus />
        <Field label={t("password")} name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {busy ? t("signingIn") : t("submit")}
        </Button>
      </form>
    </Card>
  );
}
