import { clientKey } from '../../src/access/client-address';
import { ConfigError, loadConfig } from '../../src/config/app-config';
import { trustProxySetting } from '../../src/config/trust-proxy';

describe('the client an authentication failure is counted against', () => {
  it('is the IPv4 address, and the /64 of an IPv6 address', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });
});

describe('TRUST_PROXY', () => {
  it('trusts nobody by default', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
  });

  it('takes proxy addresses and CIDRs, or a hop count', () => {
    expect(trustProxySetting('10.0.0.1, 192.168.0.0/16,2001:db8::/32,loopback')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '2001:db8::/32',
      'loopback',
    ]);
    const twoHops = trustProxySetting('2') as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => twoHops('10.0.0.1', hop))).toEqual([true, true, false]);
  });

  it.each(['true', 'proxy.example', '10.0.0.0/33', '0'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid configuration: TRUST_PROXY /);
  });
});
