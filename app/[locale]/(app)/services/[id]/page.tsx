import { setRequestLocale } from "next-intl/server";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { ServiceDetail } from "@/components/services/detail/service-detail";

type Props = { params: Promise<{ locale: string; id: string }> };

// /services/<id> — one service: status, history, uptime, how to send it heartbeats
export default async function ServicePage({ params }: Props) {
  const { locale, id } = await params;
  setRequestLocale(locale);
  await requireSignIn(locale, `/services/${id}`);
  return <ServiceDetail id={decodeURIComponent(id)} />;
}
