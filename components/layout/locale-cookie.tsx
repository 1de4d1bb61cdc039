"use client";

import { useLocale } from "next-intl";
import { useEffect } from "react";
import { LOCALE_COOKIE } from "@/i18n/routing";

/**
 * Remembers the language of the page being read, so `/` and addresses without a language open in it next time: the
 * cookie the language switch sets (next-intl's, same name and options), written here because LaneSwap has no
 * middleware to do it (Next.js would run one for every API request too).
 */
export function LocaleCookie() {
  const locale = useLocale();
  useEffect(() => {
    const cookie = `${LOCALE_COOKIE}=${locale}`;
    if (!document.cookie.split("; ").includes(cookie)) document.cookie = `${cookie}; path=/; SameSite=Lax`;
  }, [locale]);
  return null;
}
