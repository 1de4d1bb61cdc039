"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { THEME_STORAGE_KEY } from "./theme-script";

// Per-browser choices, kept in localStorage: theme, how times are shown, the overview's view and refresh mode.

export type Theme = "light" | "dark" | "system";
export type TimeStyle = "relative" | "absolute";
export type ViewMode = "grid" | "table";
export type RefreshMode = "live" | "manual" | "5" | "10" | "30" | "60";

type Preferences = { theme: Theme; timeStyle: TimeStyle; view: ViewMode; refresh: RefreshMode };
const DEFAULTS: Preferences = { theme: "system", timeStyle: "relative", view: "grid", refresh: "live" };
const KEYS: Record<keyof Preferences, string> = {
  theme: THEME_STORAGE_KEY,
  timeStyle: "laneswap.timeStyle",
  view: "laneswap.view",
  refresh: "laneswap.refresh",
};

type Ctx = Preferences & { set: <K extends keyof Preferences>(key: K, value: Preferences[K]) => void };
const PreferencesContext = createContext<Ctx>({ ...DEFAULTS, set: () => {} });

function applyTheme(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [prefs, setPrefs] = useState<Preferences>(DEFAULTS);

  useEffect(() => {
    const stored = { ...DEFAULTS };
    for (const key of Object.keys(KEYS) as (keyof Preferences)[]) {
      const value = window.localStorage.getItem(KEYS[key]);
      if (value) (stored as Record<string, string>)[key] = value;
    }
    setPrefs(stored);
  }, []);

  useEffect(() => {
    applyTheme(prefs.theme);
    if (prefs.theme !== "system") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => applyTheme("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [prefs.theme]);

  const set = useCallback(<K extends keyof Preferences>(key: K, value: Preferences[K]) => {
    window.localStorage.setItem(KEYS[key], value);
    setPrefs((p) => ({ ...p, [key]: value }));
  }, []);

  const value = useMemo(() => ({ ...prefs, set }), [prefs, set]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): Ctx {
  return useContext(PreferencesContext);
}
