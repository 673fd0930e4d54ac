import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

interface Window {
  startedAt: number;
  failures: number;
}

/** Clients tracked at most; past this, expired windows and then the oldest are forgotten. */
const MAX_TRACKED_CLIENTS = 50_000;

/**
 * Slows down token guessing: a client (an IPv4 address or an IPv6 /64, see client-address.ts) that sent
 * AUTH_FAILURE_LIMIT unknown, expired, revoked or malformed bearer tokens within
 * AUTH_FAILURE_WINDOW_SECONDS gets 429 (with Retry-After) for every further invalid one until that window
 * ends. A valid token is still served (BearerAuthenticator asks here only after the lookup failed), so
 * a stranger behind the same NAT cannot lock an office out.
 * Only failures count: authenticated traffic, however heavy, never consumes the budget (so the
 * @nestjs/throttler guard, which counts every request, is not used here).
 * The state is in memory, per instance: N instances behind a balancer allow N × the limit, and a
 * restart forgets it. The address is the socket's peer unless TRUST_PROXY names the proxy in front,
 * whose X-Forwarded-For then names the client (trusted from anyone else, a client could forge it).
 */
@Injectable()
export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(config: AppConfig) {
    this.limit = config.AUTH_FAILURE_LIMIT;
    this.windowMs = config.AUTH_FAILURE_WINDOW_SECONDS * 1000;
  }

  /** Seconds until `client` may try again, or 0 when it is not locked out. */
  retryAfterSeconds(client: string, now = Date.now()): number {
    const window = this.windows.get(client);
    if (!window || window.failures < this.limit) return 0;
    const remaining = window.startedAt + this.windowMs - now;
    if (remaining <= 0) {
      this.windows.delete(client);
      return 0;
    }
    return Math.ceil(remaining / 1000);
  }

  recordFailure(client: string, now = Date.now()): void {
    const window = this.windows.get(client);
    if (window && now - window.startedAt < this.windowMs) {
      window.failures++;
      return;
    }
    this.windows.delete(client);
    if (this.windows.size >= MAX_TRACKED_CLIENTS) this.forgetSome(now);
    this.windows.set(client, { startedAt: now, failures: 1 });
  }

  private forgetSome(now: number): void {
    for (const [client, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(client);
    }
    // Still full (a flood from many addresses): the oldest windows go first, in insertion order.
    for (const client of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED_CLIENTS * 0.9) break;
      this.windows.delete(client);
    }
  }
}
