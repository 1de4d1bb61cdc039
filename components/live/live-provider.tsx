"use client";

import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { SWRConfig, useSWRConfig } from "swr";
import { swrFetcher } from "@/components/api/fetch-json";
import { usePreferences } from "@/components/settings/preferences";

// Keeps every SWR query on the page fresh: in Live mode through the /api/stream server-sent events (each change
// revalidates what is shown), otherwise on the chosen interval, or only on demand (Manual).

export type Connection = "connecting" | "live" | "reconnecting" | "off";
type Live = { connection: Connection; refreshAll: () => void };
const LiveContext = createContext<Live>({ connection: "off", refreshAll: () => {} });

export function useLive(): Live {
  return useContext(LiveContext);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { refresh } = usePreferences();
  const interval = refresh === "live" || refresh === "manual" ? 0 : Number(refresh) * 1000;
  return (
    <SWRConfig value={{ fetcher: swrFetcher, refreshInterval: interval, revalidateOnFocus: refresh !== "manual", keepPreviousData: true }}>
      <LiveStream enabled={refresh === "live"}>{children}</LiveStream>
    </SWRConfig>
  );
}

function LiveStream({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const { mutate } = useSWRConfig();
  const [connection, setConnection] = useState<Connection>(enabled ? "connecting" : "off");
  const refreshAll = useMemo(() => () => void mutate(() => true), [mutate]);

  useEffect(() => {
    if (!enabled) {
      setConnection("off");
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const connect = () => {
      source = new EventSource("/api/stream");
      source.onopen = () => {
        setConnection("live");
        // Whatever changed while we were away.
        if (opened) refreshAll();
        opened = true;
      };
      source.addEventListener("change", () => refreshAll());
      source.onerror = () => {
        setConnection(opened ? "reconnecting" : "connecting");
        // The browser retries by itself unless the server refused the stream (e.g. 401): then we retry.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, 2_000);
        }
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [enabled, refreshAll]);

  const value = useMemo(() => ({ connection, refreshAll }), [connection, refreshAll]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
