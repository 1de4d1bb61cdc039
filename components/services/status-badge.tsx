import { useTranslations } from "next-intl";
import type { Status } from "@/lib/core/status";
import { STATUS_BADGE, STATUS_HEX } from "./status-style";

export function StatusBadge({ status }: { status: Status }) {
  const t = useTranslations("Status");
  return (
    <span data-status={status} className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_BADGE[status]}`}>
      <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ background: STATUS_HEX[status] }} />
      {t(status)}
    </span>
  );
}
