import { setRequestLocale } from "next-intl/server";
import { requireSignIn } from "@/lib/auth/require-sign-in";
import { AdminOnly } from "@/components/auth/admin-only";
import { UsersAdmin } from "@/components/admin/users-admin";

export default async function UsersPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireSignIn(locale, "/users");
  return (
    <AdminOnly>
      <UsersAdmin />
    </AdminOnly>
  );
}
