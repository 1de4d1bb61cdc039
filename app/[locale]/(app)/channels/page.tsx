import { setRequestLocale } from "next-intl/server";
import { AdminOnly } from "@/components/auth/admin-only";
import { ChannelsAdmin } from "@/components/admin/channels-admin";

export default async function ChannelsPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  return (
    <AdminOnly>
      <ChannelsAdmin />
    </AdminOnly>
  );
}
