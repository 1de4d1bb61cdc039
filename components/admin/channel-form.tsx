"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { LEVELS } from "@/lib/core/notification";
import { ApiError, fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

const TYPES = ["discord", "slack", "webhook", "email"] as const;
type Type = (typeof TYPES)[number];

function configOf(type: Type, form: FormData) {
  const get = (k: string) => String(form.get(k) ?? "").trim();
  if (type === "webhook") return { url: get("url"), secret: get("secret") };
  if (type === "email") return { host: get("host"), port: Number(get("port") || 587), from: get("from"), to: get("to").split(",").map((s) => s.trim()).filter(Boolean) };
  return { url: get("url") };
}

/** Adds a Discord, Slack, signed webhook or email channel. */
export function ChannelForm({ onCreated }: { onCreated: () => void }) {
  const t = useTranslations("Channels");
  const [type, setType] = useState<Type>("discord");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const levels = LEVELS.filter((l) => form.get(`level-${l}`) === "on");
    try {
      await fetchJson("/api/channels", { method: "POST", json: { name: form.get("name"), type, config: configOf(type, form), levels } });
      formEl.reset();
      setError(null);
      onCreated();
    } catch (e) {
      setError(e instanceof ApiError && e.fields ? t("invalid", { fields: Object.keys(e.fields).join(", ") }) : t("createFailed"));
    }
  }

  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("add")}</h2>
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2">
        <Field label={t("name")} name="name" required maxLength={100} />
        <div>
          <label htmlFor="f-type" className="mb-1 block text-sm font-medium">{t("type")}</label>
          <select id="f-type" value={type} onChange={(e) => setType(e.target.value as Type)} className="w-full rounded-md border border-slate-400 bg-white px-2 py-2 text-sm dark:border-slate-600 dark:bg-slate-900">
            {TYPES.map((ty) => <option key={ty} value={ty}>{t(`types.${ty}`)}</option>)}
          </select>
        </div>
        {type === "email" ? (
          <>
            <Field label={t("smtpHost")} name="host" required />
            <Field label={t("smtpPort")} name="port" type="number" defaultValue={587} />
            <Field label={t("from")} name="from" type="email" required />
            <Field label={t("to")} name="to" required hint={t("toHint")} />
          </>
        ) : (
          <Field label={t("url")} name="url" type="url" required className="sm:col-span-2" hint={t(`urlHint.${type}`)} />
        )}
        {type === "webhook" && <Field label={t("secret")} name="secret" required minLength={16} hint={t("secretHint")} />}
        <fieldset className="sm:col-span-2">
          <legend className="mb-1 text-sm font-medium">{t("levels")}</legend>
          <div className="flex flex-wrap gap-3">
            {LEVELS.map((l) => (
              <label key={l} className="flex items-center gap-1 text-sm">
                <input type="checkbox" name={`level-${l}`} defaultChecked className="h-4 w-4" />
                {t(`level.${l}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {error && <p role="alert" className="text-sm text-red-700 sm:col-span-2 dark:text-red-400">{error}</p>}
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary">{t("addButton")}</Button>
        </div>
      </form>
    </Card>
  );
}
