"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useSWRConfig } from "swr";
import type { ServiceView } from "@/lib/services/service-view";
import { ApiError, fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

/** Rename, change the threshold (empty: the default), pause or resume. */
export function EditService({ service }: { service: ServiceView }) {
  const t = useTranslations("Service");
  const { mutate } = useSWRConfig();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const threshold = String(form.get("stale_threshold") ?? "").trim();
    setErrors({});
    setSaved(false);
    try {
      await fetchJson(`/api/services/${encodeURIComponent(service.id)}`, {
        method: "PATCH",
        json: { name: form.get("name"), stale_threshold: threshold === "" ? null : Number(threshold), paused: form.get("paused") === "on" },
      });
      setSaved(true);
      await mutate((key) => typeof key === "string" && key.startsWith("/api/"));
    } catch (error) {
      const fields = error instanceof ApiError ? error.fields : undefined;
      setErrors(fields ? Object.fromEntries(Object.keys(fields).map((k) => [k, t("invalidField")])) : { form: t("saveFailed") });
    }
  }

  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("edit")}</h2>
      <form onSubmit={submit} className="space-y-3" key={service.updated_at}>
        <Field label={t("name")} name="name" defaultValue={service.name} required maxLength={200} error={errors.name} />
        <Field
          label={t("thresholdSeconds")}
          name="stale_threshold"
          type="number"
          min={1}
          inputMode="numeric"
          defaultValue={service.stale_threshold_override ? service.stale_threshold : ""}
          hint={t("thresholdHint", { seconds: service.stale_threshold_override ? "" : service.stale_threshold })}
          error={errors.stale_threshold}
        />
        <div className="flex items-center gap-2">
          <input id="f-paused" type="checkbox" name="paused" defaultChecked={service.paused} className="h-4 w-4" />
          <label htmlFor="f-paused" className="text-sm">{t("pausedLabel")}</label>
        </div>
        {errors.form && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{errors.form}</p>}
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary">{t("save")}</Button>
          {saved && <span role="status" className="text-sm text-emerald-800 dark:text-emerald-300">{t("saved")}</span>}
        </div>
      </form>
    </Card>
  );
}
