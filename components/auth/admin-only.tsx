"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Notice } from "@/components/ui/notice";
import { useUser } from "./user-context";

/** Admin pages: viewers are told why they cannot see them (the API refuses them too). */
export function AdminOnly({ children }: { children: ReactNode }) {
  const t = useTranslations("Common");
  return useUser().role === "admin" ? <>{children}</> : <Notice title={t("adminOnly")} />;
}
