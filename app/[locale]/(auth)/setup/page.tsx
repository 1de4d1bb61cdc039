import { setRequestLocale } from "next-intl/server";
import { redirect } from "@/i18n/navigation";
import { serverCtx } from "@/lib/api/server-context";
import { hasUsers } from "@/lib/services/users/list-users";
import { SetupForm } from "@/components/auth/setup-form";

export const dynamic = "force-dynamic";

export default async function SetupPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  if (await hasUsers(await serverCtx())) redirect({ href: "/login", locale });
  return <SetupForm />;
}
