import { generateKeyPairSync } from 'node:crypto';
import { cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import { parseWitnessList } from '../../src/audit/witness/witness-list';
import { loadConfig } from '../../src/config/app-config';

const vkey = (name: string) => cosignerVerifierKey(name, generateKeyPairSync('ed25519').publicKey);

describe('AUDIT_WITNESSES', () => {
  it('reads <verifier key>@<submission prefix>, loopback addresses included', () => {
    const a = vkey('witness.example/a');
    const b = vkey('witness.example/b');
    const witnesses = parseWitnessList(`${a}@http://127.0.0.1:3100/, ${b}@https://witness.example/b/`);
    expect(witnesses.map(({ name, verifierKey, submissionPrefix }) => ({ name, verifierKey, submissionPrefix }))).toEqual([
      { name: 'witness.example/a', verifierKey: a, submissionPrefix: 'http://127.0.0.1:3100' },
      { name: 'witness.example/b', verifierKey: b, submissionPrefix: 'https://witness.example/b' },
    ]);
    expect(parseWitnessList(undefined)).toEqual([]);
  });

  it.each([
    ['no URL', () => vkey('w')],
    ['not a URL scheme the service speaks', () => `${vkey('w')}@ftp://w.example`],
    ['an ordinary (type 0x01) key', () => 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW@http://127.0.0.1:1'],
    ['a wrong key ID', () => `${vkey('w').replace(/\+[0-9a-f]{8}\+/, '+00000000+')}@http://127.0.0.1:1`],
    ['the same witness twice', () => { const k = vkey('w'); return `${k}@http://127.0.0.1:1,${k}@http://127.0.0.1:2`; }],
    ['credentials in the URL', () => `${vkey('w')}@http://user:pw@127.0.0.1:1`],
  ])('stops the service with one line naming the variable: %s', (_, value) => {
    expect(() => loadConfig({ AUDIT_WITNESSES: value() })).toThrow(/^Invalid configuration: AUDIT_WITNESSES entry \d/);
  });
});
