"use client";

import { useLocale } from "next-intl";
import { useEffect } from "react";

/**
 * Remembers the language of the page being read, so `/` and addresses without a language open in it next time: the
 * cookie the language switch sets (next-intl's, same name and options), written here because LaneSwap has no
 * middleware to do it (Next.js would run one for every API request too).
 */
export function LocaleCookie() {
  const locale = useLocale();
  useEffect(() => {
    if (!document.cookie.split("; ").includes(`NEXT_LOCALE=${locale}`)) document.cookie = `NEXT_LOCALE=${locale}; path=/; SameSite=Lax`;
  }, [locale]);
  return null;
}
