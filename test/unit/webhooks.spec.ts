import { createHmac } from 'node:crypto';
import { createServer, request, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, isPublicAddress, publicOnlyLookup } from '../../src/webhooks/address-guard';
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
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('fails the connection in the lookup when a name resolves to a private address', async () => {
    const error = await new Promise<Error>((resolve) =>
      publicOnlyLookup('localhost', { all: true }, (e) => resolve(e as Error)),
    );
    expect(error?.message).toMatch(/localhost resolves to a non-public address/);
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
