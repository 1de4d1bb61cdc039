"use client";

import { useLocale, useTranslations } from "next-intl";
import { usePathname, useRouter } from "@/i18n/navigation";
import { routing } from "@/i18n/routing";
import { Card } from "@/components/ui/card";
import { usePreferences, type Theme, type TimeStyle } from "./preferences";

function Choice<T extends string>({ name, legend, value, options, label, onChange }: { name: string; legend: string; value: T; options: readonly T[]; label: (v: T) => string; onChange: (v: T) => void }) {
  return (
    <fieldset>
      <legend className="mb-2 font-semibold">{legend}</legend>
      <div className="flex flex-wrap gap-4">
        {options.map((o) => (
          <label key={o} className="flex items-center gap-2 text-sm">
            <input type="radio" name={name} value={o} checked={value === o} onChange={() => onChange(o)} className="h-4 w-4" />
            {label(o)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Language, theme and how times are shown; kept in this browser. */
export function SettingsPage() {
  const t = useTranslations("Settings");
  const tl = useTranslations("Language");
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const { theme, timeStyle, set } = usePreferences();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("heading")}</h1>
      <Card className="space-y-6">
        <Choice name="language" legend={t("language")} value={locale} options={routing.locales} label={(l) => tl(l)} onChange={(l) => router.replace(pathname, { locale: l })} />
        <Choice<Theme> name="theme" legend={t("theme")} value={theme} options={["light", "dark", "system"]} label={(v) => t(`themes.${v}`)} onChange={(v) => set("theme", v)} />
        <Choice<TimeStyle> name="time" legend={t("times")} value={timeStyle} options={["relative", "absolute"]} label={(v) => t(`timeStyles.${v}`)} onChange={(v) => set("timeStyle", v)} />
      </Card>
      <p className="text-sm text-slate-700 dark:text-slate-300">{t("remembered")}</p>
    </div>
  );
}
