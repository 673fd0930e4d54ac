import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE is set: the service's own host, its
 * private networks and cloud metadata endpoints (169.254.169.254) are not partners, nor is anything in
 * IANA's IPv4 and IPv6 special-purpose address registries. ipaddr.js keeps those registries as ranges;
 * an address is allowed only when it falls in none of them ("unicast").
 */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
/** Not (or no longer) in ipaddr.js's table: IPv4-compatible (deprecated, would reach ::a.b.c.d's IPv4 host) and RFC 9780's dummy prefix. */
const IPV6_ALSO_REFUSED = [ipaddr.parseCIDR('::/96'), ipaddr.parseCIDR('100:0:0:1::/64')];

/** True when `address` (an IP literal) is a public unicast address a webhook may be sent to. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIP(bare)) return false;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  // ipaddr.js reads `::a.b.c.d` (IPv4-compatible) as if it were `::ffff:a.b.c.d`; the WHATWG URL parser
  // writes every IPv6 address in hexadecimal, whose groups ipaddr.js reads exactly.
  const v6 = ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address itself to the socket.
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  // Outside 2000::/3 nothing is allocated for global unicast; 6to4, Teredo, NAT64 and the rest of the
  // special-purpose blocks inside it are ranges of their own.
  if (!v6.match(IPV6_GLOBAL_UNICAST)) return false;
  if (IPV6_ALSO_REFUSED.some((range) => v6.match(range))) return false;
  return v6.range() === 'unicast';
}

/** What a caller is told about a refused host: never the addresses it resolved to (internal DNS answers). */
export const NON_PUBLIC_HOST = 'does not resolve to public addresses only (loopback, private and reserved addresses are refused)';

export class BlockedAddressError extends Error {
  readonly code = 'EWEBHOOKBLOCKED';
}

/**
 * A `lookup` for http(s).request that resolves the host and refuses the connection when any of its
 * addresses fails `isAllowed`. The socket then connects to an address checked here, so a DNS answer
 * that changes between the check and the connection (DNS rebinding) cannot redirect it.
 */
export function guardedLookup(isAllowed: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || addresses.some((entry) => !isAllowed(entry.address))) {
        return callback(new BlockedAddressError(`${hostname} ${NON_PUBLIC_HOST}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export const publicOnlyLookup = guardedLookup(isPublicAddress);

/** The host's addresses (the literal itself for an IP host). Rejects when the name does not resolve. */
export async function resolveHost(hostname: string): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  return new Promise((resolve, reject) =>
    dnsLookup(bare, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );
}
