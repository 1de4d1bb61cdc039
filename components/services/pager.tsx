import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

type Props = { offset: number; limit: number; total: number; onOffset: (offset: number) => void };

export function Pager({ offset, limit, total, onOffset }: Props) {
  const t = useTranslations("Overview");
  const format = useFormatter();
  if (total === 0) return null;
  return (
    <nav aria-label={t("pages")} className="flex flex-wrap items-center justify-between gap-2 text-sm">
      <span data-testid="range">
        {t("range", { from: format.number(offset + 1), to: format.number(Math.min(offset + limit, total)), total: format.number(total) })}
      </span>
      <span className="flex gap-2">
        <Button disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
          {t("previous")}
        </Button>
        <Button disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>
          {t("next")}
        </Button>
      </span>
    </nav>
  );
}
