import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Config } from "../config";
import { AppError } from "../core/errors";

// In-process limits: failed authentication per client address (always on), and requests per key (off unless
// RATE_LIMIT_PER_KEY is set). Each instance counts on its own.

type Limiters = { authFailures: RateLimiterMemory; perKey: RateLimiterMemory | null };
const globalForLimits = globalThis as unknown as { laneswapLimits?: Limiters };

function limiters(config: Config): Limiters {
  globalForLimits.laneswapLimits ??= {
    authFailures: new RateLimiterMemory({ points: config.authFailuresPerMinute, duration: 60 }),
    perKey: config.rateLimitPerKey > 0 ? new RateLimiterMemory({ points: config.rateLimitPerKey, duration: 60 }) : null,
  };
  return globalForLimits.laneswapLimits;
}

function tooMany(res: RateLimiterRes, what: string): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError("rate_limited", `${what}; retry in ${seconds} s`, undefined, { "Retry-After": String(seconds) });
}

/**
 * Counts a failed authentication from this address; throws 429 once the address failed too often in the last
 * minute. Only failures are counted and only failures are refused, so a valid key always gets through.
 */
export async function recordAuthFailure(config: Config, address: string): Promise<void> {
  await limiters(config).authFailures.consume(address).catch((res: unknown) => {
    if (res instanceof RateLimiterRes) throw tooMany(res, "Too many failed authentication attempts");
    throw res;
  });
}

export async function consumeKeyQuota(config: Config, keyName: string): Promise<void> {
  const limiter = limiters(config).perKey;
  if (!limiter) return;
  await limiter.consume(keyName).catch((res: unknown) => {
    if (res instanceof RateLimiterRes) throw tooMany(res, "Rate limit for this API key exceeded");
    throw res;
  });
}
