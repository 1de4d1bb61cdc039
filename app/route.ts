import type { NextRequest } from "next/server";
import { requestReaderLocale } from "@/i18n/reader-locale";

// `/` (and the monitor links `/?service=<id>` that notifications carry) opens the dashboard in the reader's
// language, keeping the query. Every other page's address carries its language (/en/…, /th/…).
export function GET(request: NextRequest): Response {
  const locale = requestReaderLocale(request.cookies, request.headers);
  // A relative Location: the host the reader used (request.nextUrl carries the one `next start` listens on).
  return new Response(null, { status: 307, headers: { Location: `/${locale}${request.nextUrl.search}` } });
}
