import { getToken } from "next-auth/jwt";
import createIntlMiddleware from "next-intl/middleware";
import { NextResponse, type NextRequest } from "next/server";
import { authSecret } from "./lib/auth/auth-secret";
import { getConfig } from "./lib/config";
import { routing } from "./i18n/routing";

// The one proxy: every dashboard page needs a session (except sign-in and first-run setup), then next-intl picks
// the language. /api answers for itself (keys or the session cookie), so it never comes here.

const intl = createIntlMiddleware(routing);
const PUBLIC_PAGES = new Set(["/login", "/setup"]);

function splitLocale(pathname: string): { locale: string | null; rest: string } {
  const locale = routing.locales.find((l) => pathname === `/${l}` || pathname.startsWith(`/${l}/`)) ?? null;
  return { locale, rest: locale ? pathname.slice(locale.length + 1) || "/" : pathname };
}

export default async function proxy(request: NextRequest) {
  const { locale, rest } = splitLocale(request.nextUrl.pathname);
  // No language in the path yet: next-intl redirects to the reader's (cookie, then Accept-Language), query kept.
  if (!locale) return intl(request);
  if (!PUBLIC_PAGES.has(rest)) {
    const config = getConfig();
    const token = await getToken({
      req: request,
      secret: authSecret(config),
      secureCookie: config.nextAuthUrl.startsWith("https://"),
    });
    if (!token) {
      const url = request.nextUrl.clone();
      url.pathname = `/${locale}/login`;
      url.search = "";
      if (rest !== "/" || request.nextUrl.search) url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
      return NextResponse.redirect(url);
    }
  }
  return intl(request);
}

export const config = {
  // Everything but the API, Next's own files and the favicon (service ids may contain dots: no extension rule).
  matcher: "/((?!api/|api$|_next/|favicon\\.svg).*)",
};
