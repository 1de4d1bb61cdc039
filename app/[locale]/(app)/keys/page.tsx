import { setRequestLocale } from "next-intl/server";
import { AdminOnly } from "@/components/auth/admin-only";
import { KeysAdmin } from "@/components/admin/keys-admin";

export default async function KeysPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  return (
    <AdminOnly>
      <KeysAdmin />
    </AdminOnly>
  );
}
