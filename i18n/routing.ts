import { defineRouting } from "next-intl/routing";

// Every page carries its language: /en/…, /th/…. `/` (and the monitor links `/?service=<id>`) redirect to the
// reader's language, keeping the query (app/route.ts), as do addresses without one (/keys: app/[locale]/layout.tsx).
// There is no proxy (middleware): Next.js would load it for every request, the API's included. ("as-needed"
// prefixes would need an internal rewrite, which `next start -H` mistakes for an external one when the request's
// host differs from -H, looping the redirect.)
// To add a language: messages/<locale>.json with the same keys, and its code here.
/** The cookie that remembers the reader's language: set by the language switch and by LocaleCookie. */
export const LOCALE_COOKIE = "NEXT_LOCALE";

export const routing = defineRouting({
  locales: ["en", "th"],
  defaultLocale: "en",
  localePrefix: "always",
  localeCookie: { name: LOCALE_COOKIE },
});

export type Locale = (typeof routing.locales)[number];
