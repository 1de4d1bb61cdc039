"use client";

import { useLocale, useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { usePathname, useRouter } from "@/i18n/navigation";
import { routing, type Locale } from "@/i18n/routing";

/** EN / TH: switches the language of the page you are on (next-intl remembers it in a cookie). */
export function LanguageButton() {
  const t = useTranslations("Language");
  const locale = useLocale() as Locale;
  const pathname = usePathname();
  const router = useRouter();
  const search = useSearchParams();
  const other = routing.locales.find((l) => l !== locale) ?? routing.defaultLocale;
  const query = search.toString();
  return (
    <button
      type="button"
      onClick={() => router.replace(query ? `${pathname}?${query}` : pathname, { locale: other })}
      className="rounded-md border border-slate-400 px-2 py-1 text-sm font-semibold hover:bg-slate-200 dark:border-slate-600 dark:hover:bg-slate-800"
      aria-label={t("switchTo", { language: t(other) })}
      lang={other}
    >
      {t(`short.${other}`)}
    </button>
  );
}
