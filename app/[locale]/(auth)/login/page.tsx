import { setRequestLocale } from "next-intl/server";
import { redirect } from "@/i18n/navigation";
import { serverCtx } from "@/lib/api/server-context";
import { hasUsers } from "@/lib/services/users/list-users";
import { LoginForm } from "@/components/auth/login-form";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<{ callbackUrl?: string }> };

export default async function LoginPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  // A fresh install has nobody to sign in: create the admin first.
  if (!(await hasUsers(await serverCtx()))) redirect({ href: "/setup", locale });
  const { callbackUrl } = await searchParams;
  // Only paths on this site, never another origin.
  const next = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return <LoginForm next={next} />;
}
