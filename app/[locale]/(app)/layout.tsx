import { setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth/current-user";
import { UserProvider } from "@/components/auth/user-context";
import { AppHeader } from "@/components/layout/app-header";
import { LiveProvider } from "@/components/live/live-provider";

export const dynamic = "force-dynamic";

type Props = { children: ReactNode; params: Promise<{ locale: string }> };

export default async function AppLayout({ children, params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const user = await currentUser();
  // Signed out: the page sends the reader to sign in (it knows its own address, to come back to).
  if (!user) return children;
  return (
    <UserProvider user={{ id: user.id, username: user.username, role: user.role }}>
      <LiveProvider>
        <AppHeader user={user} />
        <main id="main" className="mx-auto max-w-7xl px-4 py-4">
          {children}
        </main>
      </LiveProvider>
    </UserProvider>
  );
}
