import { setRequestLocale } from "next-intl/server";
import { AdminOnly } from "@/components/auth/admin-only";
import { UsersAdmin } from "@/components/admin/users-admin";

export default async function UsersPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  return (
    <AdminOnly>
      <UsersAdmin />
    </AdminOnly>
  );
}
