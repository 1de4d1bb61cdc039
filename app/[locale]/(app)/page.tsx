import { setRequestLocale } from "next-intl/server";
import { redirect } from "@/i18n/navigation";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { Overview } from "@/components/services/overview";

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<{ service?: string }> };

// `/` — the overview. `/?service=<id>` is the monitor link notifications carry: it opens that service.
export default async function OverviewPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const query = await searchParams;
  await requireSignIn(locale, "/", query);
  const { service } = query;
  if (service) redirect({ href: `/services/${encodeURIComponent(service)}`, locale });
  return <Overview />;
}
