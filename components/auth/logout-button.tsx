"use client";

import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

export function LogoutButton() {
  const t = useTranslations("Nav");
  return (
    <Button
      variant="ghost"
      onClick={async () => {
        await signOut({ redirect: false });
        window.location.assign("/login");
      }}
    >
      {t("logout")}
    </Button>
  );
}
