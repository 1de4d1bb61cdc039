import { Suspense, type ReactNode } from "react";
import { LanguageButton } from "@/components/layout/language-button";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <div className="flex justify-end p-4">
        <Suspense>
          <LanguageButton />
        </Suspense>
      </div>
      <main className="flex flex-1 items-start justify-center px-4 pt-8 sm:pt-16">{children}</main>
    </div>
  );
}
