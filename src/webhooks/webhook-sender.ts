import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, NON_PUBLIC_HOST, publicOnlyLookup } from './address-guard';
import { describeSendError } from './send-error';

/** Connecting, sending and receiving the answer's head must all happen within this. */
export const SEND_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is read (then thrown away) before the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'AidTrail-Webhooks/1';

export interface SendOutcome {
  /** The receiver's HTTP status, when it answered. */
  statusCode: number | null;
  latencyMs: number;
  /** Why the attempt failed; null on a 2xx. */
  error: string | null;
}

/**
 * One POST of a delivery. Redirects are never followed (a 3xx is a failed attempt: following one would
 * let a receiver point us at an address that was never checked). Unless private addresses are allowed,
 * the host's every address must be public, checked in the socket's own DNS lookup.
 */
export function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; signal?: AbortSignal; timeoutMs?: number },
): Promise<SendOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const timeoutMs = options.timeoutMs ?? SEND_TIMEOUT_MS;
  return new Promise((resolve) => {
    const sending: { request?: ClientRequest } = {};
    const timer = setTimeout(
      () => sending.request?.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, latencyMs: elapsed(), error });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish(null, 'the URL is not valid');
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // An IP literal never goes through `lookup`, so it is checked here.
    if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      return finish(null, `refused: the host ${NON_PUBLIC_HOST}`);
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = (sending.request = send(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'content-length': String(Buffer.byteLength(body)),
        },
        lookup: options.allowPrivate ? undefined : publicOnlyLookup,
        signal: options.signal,
        agent: false,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () =>
          finish(status, status >= 200 && status < 300 ? null : describeStatus(status, response));
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    ));
    req.on('error', (error: NodeJS.ErrnoException) => finish(null, describeSendError(error)));
    req.end(body);
  });
}

function describeStatus(status: number, response: IncomingMessage): string {
  if (status >= 300 && status < 400) {
    const location = response.headers.location
      ? ` to ${String(response.headers.location).slice(0, 200)}`
      : '';
    return `redirect (${status}${location}) not followed`;
  }
  return `the receiver answered ${status}`;
}
