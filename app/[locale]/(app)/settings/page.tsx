import { setRequestLocale } from "next-intl/server";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { SettingsPage } from "@/components/settings/settings-page";

export default async function Settings({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireSignIn(locale, "/settings");
  return <SettingsPage />;
}
