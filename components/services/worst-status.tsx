"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import type { Status } from "@/lib/core/status";
import { STATUS_HEX } from "./status-style";

/** Puts the fleet's worst status in the tab title and paints the favicon in its colour. */
export function WorstStatus({ worst, count }: { worst: Status | null; count: number }) {
  const t = useTranslations("Overview");
  const ts = useTranslations("Status");
  useEffect(() => {
    const title = worst ? t("tabTitle", { status: ts(worst), count }) : t("tabTitleEmpty");
    document.title = title;
    // Next.js writes the page's static title after navigations; put ours back whenever that happens.
    const observer = new MutationObserver(() => {
      if (document.title !== title) document.title = title;
    });
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="${STATUS_HEX[worst ?? "unknown"]}"/></svg>`;
    let link = document.querySelector<HTMLLinkElement>("link[rel~='icon']");
    if (!link) {
      link = document.createElement("link");
      link.rel = "icon";
      document.head.appendChild(link);
    }
    link.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
    link.dataset.status = worst ?? "none";
    return () => observer.disconnect();
  }, [worst, count, t, ts]);
  return null;
}
