import type { ReactNode } from "react";

type Tone = "info" | "error";

/** An empty state or an error, said plainly. */
export function Notice({ title, children, tone = "info" }: { title: string; children?: ReactNode; tone?: Tone }) {
  const styles = tone === "error" ? "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950" : "border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900";
  return (
    <div role={tone === "error" ? "alert" : undefined} className={`rounded-lg border p-6 text-center ${styles}`}>
      <p className="font-semibold">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>}
    </div>
  );
}
