import type { HTMLAttributes } from "react";

export function Card({ className = "", ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={`rounded-lg border border-slate-300 bg-white p-4 dark:border-slate-700 dark:bg-slate-900 ${className}`} {...props} />;
}
