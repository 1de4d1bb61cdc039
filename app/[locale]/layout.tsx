import type { Metadata } from "next";
import { hasLocale, NextIntlClientProvider } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { inter, notoSansThai } from "@/app/fonts";
import { requestReaderLocale } from "@/i18n/reader-locale";
import { routing } from "@/i18n/routing";
import { LocaleCookie } from "@/components/layout/locale-cookie";
import { PreferencesProvider } from "@/components/settings/preferences";
import { THEME_SCRIPT } from "@/components/settings/theme-script";
import "@/app/globals.css";

type Props = { children: ReactNode; params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "App" });
  return { title: t("title"), description: t("description"), icons: { icon: "/favicon.svg" } };
}

export default async function LocaleLayout({ children, params }: Props) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) {
    // An address without its language (/keys, /settings): the same page in the reader's language.
    const language = requestReaderLocale(await cookies(), await headers());
    redirect(`/${language}/${locale}`); // the segment as it came, still encoded
  }
  setRequestLocale(locale);
  return (
    <html lang={locale} className={`${inter.variable} ${notoSansThai.variable}`} suppressHydrationWarning>
      <head>
        {/* Applies the saved theme before the first paint, so a dark page never flashes light. */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans antialiased">
        <NextIntlClientProvider>
          <LocaleCookie />
          <PreferencesProvider>{children}</PreferencesProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
