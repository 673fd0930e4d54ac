import { createHmac } from 'node:crypto';
import { createServer, request, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, isPublicAddress, publicOnlyLookup } from '../../src/webhooks/address-guard';
import { describeSendError } from '../../src/webhooks/send-error';
import { sendWebhook } from '../../src/webhooks/webhook-sender';
import { webhookUrlProblem } from '../../src/webhooks/webhook-url';
import { nextAttemptAt, RETRY_WINDOW_MS } from '../../src/webhooks/webhook-retry';
import {
  signatureHeader,
  verifySignatureHeader,
  webhookSignature,
} from '../../src/webhooks/webhook-signature';
import { webhookEventOf } from '../../src/webhooks/webhook-events';
import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('webhook configuration', () => {
  it('defaults to 30 s retries and 1 s polls, and names a bad value', () => {
    expect(loadConfig({})).toMatchObject({
      WEBHOOK_RETRY_BASE_MS: 30_000,
      WEBHOOK_POLL_MS: 1_000,
      WEBHOOK_ALLOW_PRIVATE: false,
    });
    expect(loadConfig({ WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_POLL_MS: '50' })).toMatchObject({
      WEBHOOK_RETRY_BASE_MS: 100,
      WEBHOOK_POLL_MS: 50,
    });
    expect(() => loadConfig({ WEBHOOK_POLL_MS: 'often' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_POLL_MS: 'often' })).toThrow(/WEBHOOK_POLL_MS/);
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_MS: '0' })).toThrow(/WEBHOOK_RETRY_BASE_MS/);
  });
});

describe('webhook address guard', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    // IANA's special-purpose registries beyond the private networks, IPv4 then IPv6.
    '192.0.0.170',
    '192.0.2.1',
    '192.31.196.1',
    '192.52.193.1',
    '192.88.99.1',
    '192.175.48.1',
    '198.18.0.1',
    '198.51.100.1',
    '203.0.113.1',
    '240.0.0.1',
    '::7f00:1', // IPv4-compatible (::/96) loopback
    '::8.8.8.8', // IPv4-compatible, even of a public address
    '2002:7f00:1::1', // 6to4
    '2001:0:7f00:1::1', // Teredo
    '64:ff9b:1::a00:1', // local-use NAT64
    '::ffff:0:7f00:1', // IPv4-translated (RFC 6145)
    '100::1', // discard-only
    '100:0:0:1::1', // dummy prefix
    '2001:1::1', // port control protocol anycast
    '2001:2::1', // benchmarking
    '2001:3::1', // AMT
    '2001:4:112::1', // AS112
    '2001:10::1', // ORCHID
    '2001:20::1', // ORCHIDv2
    '2001:30::1', // drone remote ID
    '2001:db8::1', // documentation
    '2620:4f:8000::1', // AS112
    '3fff::1', // documentation
    '5f00::1', // segment routing
    '4000::1', // outside global unicast
    'not an address',
    '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '2a00:1450:4001:82b::200e',
    '2001:67c:2e8::1',
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('fails the connection in the lookup when a name resolves to a private address', async () => {
    const error = await new Promise<Error>((resolve) =>
      publicOnlyLookup('localhost', { all: true }, (e) => resolve(e as Error)),
    );
    expect(error?.message).toMatch(/^localhost does not resolve to public addresses only/);
    // Never the DNS answer: internal addresses are not the caller's to learn.
    expect(error?.message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a subscription URL without naming what the host resolved to', async () => {
    for (const url of ['http://localhost/hook', 'http://[::7f00:1]/hook', 'http://[2002:7f00:1::1]/hook', 'http://[2001:0:7f00:1::1]/hook']) {
      const problem = await webhookUrlProblem(url, false);
      expect(problem).toEqual({ status: 422, message: expect.stringMatching(/^must reach a public address; /) });
      if (url.includes('localhost')) expect(problem?.message).not.toMatch(/127\.0\.0\.1|::1| is /);
    }
    expect(await webhookUrlProblem('http://[2606:4700:4700::1111]/hook', false)).toBeUndefined();
  });

  it('tells a failed delivery why without the address it tried', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const refused = await sendWebhook(`http://localhost:${port}/hook`, '{}', {}, { allowPrivate: true });
    expect(refused.error).toBe('the connection was refused');
    const blocked = await sendWebhook(`http://localhost:${port}/hook`, '{}', {}, { allowPrivate: false });
    const literal = await sendWebhook('http://[::7f00:1]/hook', '{}', {}, { allowPrivate: false });
    for (const outcome of [blocked, literal]) {
      expect(outcome.error).toMatch(/public addresses only/);
      expect(outcome.error).not.toMatch(/127\.0\.0\.1|::1|7f00/);
    }
    const other = Object.assign(new Error('connect EWHATEVER 10.1.2.3:443 via [fd00::7]:443'), { code: 'EWHATEVER' });
    expect(describeSendError(other)).toBe('connect EWHATEVER [address] via [address]');
  });

  it('hands the checked addresses to the socket (both lookup forms)', async () => {
    const server = createServer((_, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const checked: string[] = [];
    const lookup = guardedLookup((address) => {
      checked.push(address);
      return address === '127.0.0.1' || address === '::1';
    });
    try {
      for (const autoSelectFamily of [true, false]) {
        const status = await new Promise<number>((resolve, reject) => {
          const options: RequestOptions = Object.assign(
            { host: 'localhost', port, family: 4, lookup, agent: false },
            { autoSelectFamily },
          );
          const req = request(options, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
        expect(status).toBe(200);
      }
      expect(checked).toContain('127.0.0.1');
    } finally {
      server.close();
    }
  });
});

describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"e1","type":"shipment.created"}';
  const now = new Date('2026-11-28T12:00:00Z');

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signatureHeader(secret, body, now);
    const t = Math.floor(now.getTime() / 1000);
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(webhookSignature(secret, t, body)).toBe(expected);
  });

  it('verifies only the same secret, body and a recent timestamp', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignatureHeader(secret, header, body, 300, now)).toBe(true);
    expect(verifySignatureHeader('whsec_other', header, body, 300, now)).toBe(false);
    expect(verifySignatureHeader(secret, header, body.replace('e1', 'e2'), 300, now)).toBe(false);
    expect(verifySignatureHeader(secret, header, body, 300, new Date(now.getTime() + 301_000))).toBe(false);
    const flipped = header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
    expect(verifySignatureHeader(secret, flipped, body, 300, now)).toBe(false);
    expect(verifySignatureHeader(secret, 'garbage', body, 300, now)).toBe(false);
  });
});

describe('webhook retry schedule', () => {
  const created = new Date('2026-11-28T00:00:00Z');
  const middle = () => 0.5;

  it('doubles from the base, with jitter of a quarter either way', () => {
    expect(nextAttemptAt(1, created, created, 1000, middle)!.getTime() - created.getTime()).toBe(1000);
    expect(nextAttemptAt(2, created, created, 1000, middle)!.getTime() - created.getTime()).toBe(2000);
    expect(nextAttemptAt(5, created, created, 1000, middle)!.getTime() - created.getTime()).toBe(16000);
    expect(nextAttemptAt(1, created, created, 1000, () => 0)!.getTime() - created.getTime()).toBe(750);
    expect(nextAttemptAt(1, created, created, 1000, () => 0.999999)!.getTime() - created.getTime()).toBe(
      1250,
    );
    expect(nextAttemptAt(40, created, created, 1000, middle)!.getTime() - created.getTime()).toBe(
      60 * 60 * 1000,
    );
  });

  it('gives up once the next try would fall beyond 24 hours', () => {
    const late = new Date(created.getTime() + RETRY_WINDOW_MS - 500);
    expect(nextAttemptAt(20, created, late, 1000, middle)).toBeNull();
    expect(
      nextAttemptAt(1, created, new Date(created.getTime() + RETRY_WINDOW_MS - 5000), 1000, middle),
    ).not.toBeNull();
  });
});

describe('webhook events of ledger changes', () => {
  it('maps recorded and voided delivery events to status changes', () => {
    expect(
      webhookEventOf({
        action: 'shipment.event_recorded',
        entityType: 'shipment',
        entityId: 's',
        before: { status: 'planned' },
        after: { shipment: { status: 'dispatched' }, event: { id: 'e' } },
      }),
    ).toEqual({
      type: 'shipment.status_changed',
      shipmentId: 's',
      fromStatus: 'planned',
      toStatus: 'dispatched',
      event: { id: 'e' },
    });
    expect(
      webhookEventOf({
        action: 'shipment.event_voided',
        entityType: 'shipment',
        entityId: 's',
        before: { status: 'dispatched' },
        after: { shipment: { status: 'planned' } },
      }),
    ).toMatchObject({ type: 'shipment.status_changed', fromStatus: 'dispatched', toStatus: 'planned' });
    expect(
      webhookEventOf({
        action: 'token.created',
        entityType: 'token',
        entityId: 't',
        before: null,
        after: {},
      }),
    ).toBeUndefined();
    expect(
      webhookEventOf({
        action: 'webhook.created',
        entityType: 'webhook',
        entityId: 'w',
        before: null,
        after: {},
      }),
    ).toBeUndefined();
  });
});
