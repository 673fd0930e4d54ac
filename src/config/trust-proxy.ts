import ipaddr from 'ipaddr.js';

/** Names proxy-addr (Fastify's trustProxy) knows for whole ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Fastify's `trustProxy`: unset or `false`, nothing is trusted and the client address is
 * the socket's peer; a number, that many proxy hops in front of the service; otherwise a comma-separated
 * list of proxy addresses or CIDRs (or `loopback`, `linklocal`, `uniquelocal`) whose X-Forwarded-For is
 * believed. `true` is refused: it would let any client choose the address its failures are counted under.
 */
export function trustProxySetting(
  value: string | undefined,
): false | string[] | ((address: string, hop: number) => boolean) {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error('must be a hop count from 1 to 10');
    // What Fastify does with a number, written out (the adapter's options type takes no number).
    return (_address, hop) => hop < hops;
  }
  if (text.toLowerCase() === 'true') {
    throw new Error('must name the proxies (addresses or CIDRs) or a hop count; true would trust any client');
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!RANGE_NAMES.has(entry) && !ipaddr.isValid(entry) && !isCidr(entry)) {
      throw new Error(
        `must be false, a hop count, or addresses/CIDRs separated by commas; "${entry}" is none of these`,
      );
    }
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
