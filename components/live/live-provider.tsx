"use client";

import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { SWRConfig, useSWRConfig, type SWRConfiguration } from "swr";
import { retryDelay } from "@/components/api/error-retry";
import { swrFetcher } from "@/components/api/fetch-json";
import { usePreferences } from "@/components/settings/preferences";

// Keeps every SWR query on the page fresh: in Live mode through the /api/stream server-sent events (each change
// revalidates what is shown), otherwise on the chosen interval, or only on demand (Manual).

export type Connection = "connecting" | "live" | "reconnecting" | "off";
/** `revision` counts the refreshes, for data SWR's refresh-everything cannot reach (useSWRInfinite's pages). */
type Live = { connection: Connection; refreshAll: () => void; revision: number };
const LiveContext = createContext<Live>({ connection: "off", refreshAll: () => {}, revision: 0 });

export function useLive(): Live {
  return useContext(LiveContext);
}

const onErrorRetry: SWRConfiguration["onErrorRetry"] = (error, _key, _config, revalidate, { retryCount }) => {
  const delay = retryDelay(error, retryCount);
  if (delay !== null) setTimeout(() => void revalidate({ retryCount }), delay);
};

export function LiveProvider({ children }: { children: ReactNode }) {
  const { refresh } = usePreferences();
  const interval = refresh === "live" || refresh === "manual" ? 0 : Number(refresh) * 1000;
  return (
    <SWRConfig value={{ fetcher: swrFetcher, refreshInterval: interval, revalidateOnFocus: refresh !== "manual", keepPreviousData: true, onErrorRetry }}>
      <LiveStream enabled={refresh === "live"}>{children}</LiveStream>
    </SWRConfig>
  );
}

/** The server pings every 15 s; a stream silent for longer than this is dead even if the socket never said so. */
const SILENCE_MS = 37_500;
const RETRY_MS = 2_000;

function LiveStream({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const { mutate } = useSWRConfig();
  const [connection, setConnection] = useState<Connection>(enabled ? "connecting" : "off");
  const [revision, setRevision] = useState(0);
  const refreshAll = useMemo(
    () => () => {
      void mutate(() => true);
      setRevision((r) => r + 1);
    },
    [mutate],
  );

  useEffect(() => {
    if (!enabled) {
      setConnection("off");
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    let dropped = false;
    const heard = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => drop(true), SILENCE_MS);
    };
    const connect = () => {
      clearTimeout(retry);
      source?.close();
      source = new EventSource("/api/stream");
      source.onopen = () => {
        setConnection("live");
        heard();
        // Whatever changed while we were away (and the end of any "cannot be reached" the pages show).
        if (opened) refreshAll();
        opened = true;
        dropped = false;
      };
      source.addEventListener("change", () => {
        heard();
        refreshAll();
      });
      source.addEventListener("ping", heard);
      source.onerror = () => {
        // The browser retries by itself unless the server refused the stream (e.g. 401): then we retry. A retry
        // that hangs is ended by the watchdog.
        drop(source?.readyState === EventSource.CLOSED);
      };
    };
    // The stream is gone (or never came up): say so, let the pages find out whether the API still answers, and
    // reconnect.
    const drop = (reconnect: boolean) => {
      setConnection("reconnecting");
      if (!dropped && opened) refreshAll();
      dropped = true;
      if (reconnect) {
        clearTimeout(watchdog);
        source?.close();
        clearTimeout(retry);
        retry = setTimeout(connect, RETRY_MS);
      }
    };
    // The browser knows before the socket does when the network goes away, and when it is back.
    const offline = () => drop(true);
    const online = () => connect();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    connect();
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      clearTimeout(retry);
      clearTimeout(watchdog);
      source?.close();
    };
  }, [enabled, refreshAll]);

  const value = useMemo(() => ({ connection, refreshAll, revision }), [connection, refreshAll, revision]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
