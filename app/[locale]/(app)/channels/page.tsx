import { setRequestLocale } from "next-intl/server";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { AdminOnly } from "@/components/auth/admin-only";
import { ChannelsAdmin } from "@/components/admin/channels-admin";

export default async function ChannelsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireSignIn(locale, "/channels");
  return (
    <AdminOnly>
      <ChannelsAdmin />
    </AdminOnly>
  );
}
