"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { ApiError, fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

export function SetupForm() {
  const t = useTranslations("Setup");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get("username") ?? "");
    const password = String(form.get("password") ?? "");
    if (password !== form.get("confirm")) return setErrors({ confirm: t("mismatch") });
    if (password.length < 8) return setErrors({ password: t("tooShort") });
    setBusy(true);
    setErrors({});
    try {
      await fetchJson("/api/setup", { method: "POST", json: { username, password } });
      await signIn("credentials", { redirect: false, username, password });
      window.location.assign("/");
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.status === 409) return window.location.assign("/login");
      setErrors(error instanceof ApiError && error.fields?.username ? { username: t("badUsername") } : { form: t("failed") });
    }
  }

  return (
    <Card className="w-full max-w-sm">
      <h1 className="mb-1 text-xl font-semibold">{t("heading")}</h1>
      <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">{t("intro")}</p>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label={t("username")} name="username" autoComplete="username" required autoFocus error={errors.username} hint={t("usernameHint")} />
        <Field label={t("password")} name="password" type="password" autoComplete="new-password" required error={errors.password} hint={t("passwordHint")} />
        <Field label={t("confirm")} name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
        {errors.form && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errors.form}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {t("submit")}
        </Button>
      </form>
    </Card>
  );
}
