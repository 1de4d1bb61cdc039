import { useTranslations } from "next-intl";
import type { Metadata } from "@/lib/core/metadata";
import { Card } from "@/components/ui/card";

export function MetadataTable({ metadata }: { metadata: Metadata }) {
  const t = useTranslations("Service");
  const entries = Object.entries(metadata);
  return (
    <Card>
      <h2 className="mb-2 font-semibold">{t("metadata")}</h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">{t("noMetadata")}</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">{t("metadata")}</caption>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k} className="border-t border-slate-200 first:border-0 dark:border-slate-700">
                <th scope="row" className="py-1 pr-3 text-left align-top font-medium">{k}</th>
                <td className="py-1 break-all"><code>{typeof v === "string" ? v : JSON.stringify(v)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
