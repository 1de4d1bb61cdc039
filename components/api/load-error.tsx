"use client";

import { useTranslations } from "next-intl";
import { Notice } from "@/components/ui/notice";
import { ApiError } from "./fetch-json";

/**
 * What a part of a page says when its data could not be loaded: that the server cannot be reached (no answer at
 * all), or `title` (the server answered with an error); either way it retries by itself.
 */
export function LoadError({ error, title }: { error: unknown; title: string }) {
  const t = useTranslations("Common");
  const unreachable = error instanceof ApiError && error.status === 0;
  return (
    <Notice tone="error" title={unreachable ? t("unreachable") : title}>
      {t("retrying")}
    </Notice>
  );
}
