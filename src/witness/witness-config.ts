import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isValidKeyName, parseVerifierKey } from '../audit/merkle/checkpoint-note';
import type { WitnessedLog } from './add-checkpoint';

/** The witness's environment, validated at start: an invalid value stops it with one line naming the variable. */
export interface WitnessConfig {
  host: string;
  port: number;
  name: string;
  privateKey: KeyObject;
  logs: WitnessedLog[];
  /** A file path, or a postgres:// URL. */
  state: string;
  logLevel: string;
}

export class WitnessConfigError extends Error {}

const fail = (variable: string, reason: string): never => {
  throw new WitnessConfigError(`Invalid configuration: ${variable} ${reason}`);
};

export function loadWitnessConfig(env: NodeJS.ProcessEnv = process.env): WitnessConfig {
  const host = env.WITNESS_HOST || '127.0.0.1';
  const portText = env.WITNESS_PORT || '3100';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) fail('WITNESS_PORT', 'must be a port number');
  const name = env.WITNESS_NAME || `${hostname()}/witness`;
  if (!isValidKeyName(name)) fail('WITNESS_NAME', 'must be a signed-note key name (no spaces, no "+")');
  const logs = parseWitnessedLogs(env.WITNESS_LOGS ?? '');
  const dataDir = env.WITNESS_DATA_DIR || './.witness';
  const privateKey = loadKey(env.WITNESS_KEY_FILE || resolve(dataDir, 'witness-key.pem'));
  const state = env.WITNESS_STATE || resolve(dataDir, 'state.json');
  const logLevel = env.WITNESS_LOG_LEVEL || 'info';
  return { host, port, name, privateKey, logs, state, logLevel };
}

/**
 * WITNESS_LOGS: comma-separated logs, each `<verifier key>` (the origin is the key name, as AidTrail
 * logs sign: GET /audit/public-key gives it) or `<origin> <verifier key>`.
 */
export function parseWitnessedLogs(value: string): WitnessedLog[] {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) fail('WITNESS_LOGS', 'must name at least one log: "<verifier key>" or "<origin> <verifier key>", comma-separated');
  const logs = new Map<string, WitnessedLog>();
  for (const entry of entries) {
    const space = entry.lastIndexOf(' ');
    const vkey = entry.slice(space + 1);
    let key: ReturnType<typeof parseVerifierKey>;
    try {
      key = parseVerifierKey(vkey);
    } catch (error) {
      return fail('WITNESS_LOGS', `has an invalid verifier key ${JSON.stringify(vkey)}: ${(error as Error).message}`);
    }
    const origin = space < 0 ? key.keyName : entry.slice(0, space).trim();
    const log = logs.get(origin) ?? { origin, keys: [] };
    log.keys.push({ keyName: key.keyName, publicKey: key.publicKey });
    logs.set(origin, log);
  }
  return [...logs.values()];
}

/** The cosigning key: read from the file, or generated into it on first start (mode 0600). */
function loadKey(file: string): KeyObject {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(readFileSync(file, 'utf8'));
  } catch {
    fail('WITNESS_KEY_FILE', `${file} is not a readable private key (PKCS#8 PEM)`);
  }
  if (key?.asymmetricKeyType !== 'ed25519') fail('WITNESS_KEY_FILE', `${file} must hold an Ed25519 key`);
  return key!;
}
