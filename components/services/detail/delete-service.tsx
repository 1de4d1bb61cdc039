"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "@/i18n/navigation";
import { fetchJson } from "@/components/api/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function DeleteService({ id, name }: { id: string; name: string }) {
  const t = useTranslations("Service");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <Card>
      <h2 className="mb-2 font-semibold">{t("deleteHeading")}</h2>
      <p className="mb-3 text-sm text-slate-700 dark:text-slate-300">{t("deleteIntro")}</p>
      <Button variant="danger" onClick={() => setOpen(true)}>{t("delete")}</Button>
      {failed && <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{t("deleteFailed")}</p>}
      <ConfirmDialog
        open={open}
        title={t("deleteConfirmTitle", { name })}
        confirmLabel={t("deleteConfirm")}
        busy={busy}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await fetchJson(`/api/services/${encodeURIComponent(id)}`, { method: "DELETE" });
            router.push("/");
          } catch {
            setBusy(false);
            setOpen(false);
            setFailed(true);
          }
        }}
      >
        {t("deleteConfirmText")}
      </ConfirmDialog>
    </Card>
  );
}
