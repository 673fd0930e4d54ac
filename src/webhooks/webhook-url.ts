import { isPublicAddress, NON_PUBLIC_HOST, resolveHost } from './address-guard';

/**
 * Why a subscription URL is refused, or undefined when it is acceptable. The syntactic rules always
 * hold; unless private addresses are allowed, the host must be (or resolve only to) public addresses.
 * The same check runs again, address by address, at every delivery (see address-guard.ts).
 */
export async function webhookUrlProblem(
  url: string,
  allowPrivate: boolean,
): Promise<{ status: 400 | 422; message: string } | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, message: 'must be an absolute http or https URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { status: 400, message: 'must use http or https' };
  if (parsed.username || parsed.password)
    return { status: 400, message: 'must not contain credentials (user:password@)' };
  if (!parsed.hostname) return { status: 400, message: 'must name a host' };
  if (allowPrivate) return undefined;
  // One answer for a name that does not resolve and one that resolves inward, without the addresses:
  // a caller learns nothing of the internal DNS (not even which internal names exist).
  const refused = { status: 422 as const, message: `must reach a public address; ${parsed.hostname} ${NON_PUBLIC_HOST}` };
  let addresses: string[];
  try {
    addresses = await resolveHost(parsed.hostname);
  } catch {
    return refused;
  }
  return addresses.length > 0 && addresses.every(isPublicAddress) ? undefined : refused;
}
