import ipaddr from 'ipaddr.js';

/**
 * The key under which a client's failed authentications are counted: its IPv4 address, or the /64 of
 * its IPv6 address. One IPv6 host usually holds a whole /64 (SLAAC, privacy addresses), so counting per
 * address would let it pick a fresh one for every guess.
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address is its IPv4 address
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${groups.join(':')}::/64`;
}
