import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { LOCALE_COOKIE, routing, type Locale } from "./routing";

/**
 * The language to open a page in when its address has none: the one chosen before (the locale cookie the language
 * switch sets), else the best match for the browser's Accept-Language, else the default.
 */
export function readerLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (cookie && (routing.locales as readonly string[]).includes(cookie)) return cookie as Locale;
  const languages = new Negotiator({ headers: { "accept-language": acceptLanguage ?? undefined } }).languages();
  try {
    return match(languages, [...routing.locales], routing.defaultLocale) as Locale;
  } catch {
    return routing.defaultLocale; // a malformed header
  }
}

type Cookies = { get(name: string): { value: string } | undefined };

/** readerLocale of a request: a route's NextRequest, or a server component's cookies() and headers(). */
export function requestReaderLocale(cookies: Cookies, headers: Pick<Headers, "get">): Locale {
  return readerLocale(cookies.get(LOCALE_COOKIE)?.value, headers.get("accept-language"));
}
