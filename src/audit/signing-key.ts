import { createPrivateKey, generateKeyPairSync, KeyObject, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type AppConfig } from '../config/app-config';
import { isValidKeyName, keyIdFor, verifierKeyString } from './merkle/checkpoint-note';

export interface SigningKey {
  keyName: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: Buffer;
  /** The C2SP signed-note verifier key: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
  verifierKey: string;
}

export const GENERATED_KEY_FILE = 'audit-signing-key.pem';

/**
 * The checkpoint signing key: AUDIT_SIGNING_KEY, or a key generated once into DATA_DIR. The private key
 * never goes into the database. Every instance on one database must use the same key (set
 * AUDIT_SIGNING_KEY, or share DATA_DIR), or checkpoints would carry different signatures.
 */
export function loadSigningKey(config: AppConfig): SigningKey {
  const keyName = config.AUDIT_LOG_ORIGIN;
  if (!isValidKeyName(keyName)) {
    throw new ConfigError(`Invalid configuration: AUDIT_LOG_ORIGIN is not a valid signed-note key name`);
  }
  const pem = config.AUDIT_SIGNING_KEY ?? readOrGenerate(resolve(config.DATA_DIR, GENERATED_KEY_FILE));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ConfigError('Invalid configuration: AUDIT_SIGNING_KEY is not a readable private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError('Invalid configuration: AUDIT_SIGNING_KEY must be an Ed25519 key');
  }
  const publicKey = createPublicKey(privateKey);
  return { keyName, privateKey, publicKey, keyId: keyIdFor(keyName, publicKey), verifierKey: verifierKeyString(keyName, publicKey) };
}

function readOrGenerate(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(resolve(file, '..'), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    // 'wx': two instances starting together on one DATA_DIR must end up with the same key.
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw error;
  }
}
