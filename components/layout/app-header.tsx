"use client";

import { useTranslations } from "next-intl";
import { Suspense } from "react";
import { Link, usePathname } from "@/i18n/navigation";
import { LogoutButton } from "@/components/auth/logout-button";
import { ConnectionBadge } from "@/components/live/connection-badge";
import { LanguageButton } from "./language-button";

type Props = { user: { username: string; role: string } };

const LINKS = [
  { href: "/", key: "overview", admin: false },
  { href: "/keys", key: "keys", admin: true },
  { href: "/channels", key: "channels", admin: true },
  { href: "/users", key: "users", admin: true },
  { href: "/settings", key: "settings", admin: false },
] as const;

export function AppHeader({ user }: Props) {
  const t = useTranslations("Nav");
  const pathname = usePathname();
  const active = (href: string) => (href === "/" ? pathname === "/" || pathname.startsWith("/services") : pathname.startsWith(href));
  return (
    <header className="border-b border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2 dark:focus:bg-slate-900">
        {t("skip")}
      </a>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <Link href="/" className="text-lg font-bold text-sky-800 dark:text-sky-300">
          LaneSwap
        </Link>
        <nav aria-label={t("label")} className="order-3 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto">
          {LINKS.filter((l) => !l.admin || user.role === "admin").map((l) => (
            <Link
              key={l.href}
              href={l.href}
              aria-current={active(l.href) ? "page" : undefined}
              className={`whitespace-nowrap rounded-md px-2 py-1 text-sm ${active(l.href) ? "bg-sky-100 font-semibold text-sky-900 dark:bg-sky-900 dark:text-sky-100" : "hover:bg-slate-200 dark:hover:bg-slate-800"}`}
            >
              {t(l.key)}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <ConnectionBadge />
          <Suspense>
            <LanguageButton />
          </Suspense>
          <span className="hidden text-sm text-slate-700 md:inline dark:text-slate-300" title={t("signedInAs")}>
            {user.username}
          </span>
          <LogoutButton />
        </div>
      </div>
    </header>
  );
}
