/**
 * What a subscriber is told about a failed attempt. Node's socket errors name the address they tried
 * (`connect ECONNREFUSED 10.0.0.7:443`) and TLS errors the certificate's names: the addresses a host
 * resolved to are internal DNS answers, so the common failures get a fixed text, and any other message
 * loses whatever looks like an IP address.
 */
const KNOWN: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the host does not resolve',
  EAI_AGAIN: 'the host does not resolve (temporary DNS failure)',
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the certificate does not name the URL's host",
  CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: a self-signed certificate is in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate chain cannot be verified',
};
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
const IPV6 = /\[?\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b\]?(?::\d+)?/gi;

export function describeSendError(error: NodeJS.ErrnoException): string {
  if (error.name === 'AbortError') return 'aborted (the service was stopping)';
  const known = error.code ? KNOWN[error.code] : undefined;
  if (known) return known;
  const code = error.code && !error.message.includes(error.code) ? `${error.code}: ` : '';
  return `${code}${error.message}`.replace(IPV4, '[address]').replace(IPV6, '[address]').slice(0, 500);
}
