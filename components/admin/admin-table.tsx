import type { ReactNode } from "react";

/** The admin pages' list: a captioned table that scrolls sideways on a narrow screen. */
export function AdminTable({ caption, headers, children, testId }: { caption: string; headers: string[]; children: ReactNode; testId?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-300 dark:border-slate-700">
      <table className="w-full min-w-[560px] text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 dark:bg-slate-800">
          <tr>
            {headers.map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="bg-white dark:bg-slate-900">{children}</tbody>
      </table>
    </div>
  );
}

export const cell = "border-t border-slate-200 px-3 py-2 align-top dark:border-slate-700";
