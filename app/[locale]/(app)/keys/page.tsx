import { setRequestLocale } from "next-intl/server";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { AdminOnly } from "@/components/auth/admin-only";
import { KeysAdmin } from "@/components/admin/keys-admin";

export default async function KeysPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireSignIn(locale, "/keys");
  return (
    <AdminOnly>
      <KeysAdmin />
    </AdminOnly>
  );
}
