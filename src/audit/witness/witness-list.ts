import { parseCosignerKey, type CosignerKey } from '../merkle/cosignature';

/** A witness the operator configured: its cosigner key and where to submit checkpoints. */
export interface ConfiguredWitness extends CosignerKey {
  /** The verifier key as configured: the witness's identity in the database. */
  verifierKey: string;
  /** The submission prefix; checkpoints go to `<prefix>/add-checkpoint`. */
  submissionPrefix: string;
}

export class WitnessListError extends Error {}

/**
 * AUDIT_WITNESSES: comma-separated `<verifier key>@<submission prefix URL>`, the verifier key being the
 * witness's C2SP vkey `name+keyid+base64(0x04 ‖ Ed25519 key)`. The URL may be on a private or loopback
 * address: the operator chose it (unlike webhook URLs, which API callers choose).
 */
export function parseWitnessList(value: string | undefined): ConfiguredWitness[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  const witnesses: ConfiguredWitness[] = [];
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const match = /^([^@\s]+)@(https?:\/\/\S+)$/.exec(entry);
    if (!match) throw new WitnessListError(`${where} must be <verifier key>@<http(s) URL>`);
    const [, verifierKey, prefix] = match;
    let key: CosignerKey;
    try {
      key = parseCosignerKey(verifierKey);
    } catch (error) {
      throw new WitnessListError(`${where}: ${(error as Error).message}`);
    }
    let url: URL;
    try {
      url = new URL(prefix);
    } catch {
      throw new WitnessListError(`${where}: ${prefix} is not a URL`);
    }
    if (url.search || url.hash || url.username || url.password) {
      throw new WitnessListError(`${where}: the submission prefix takes no query, fragment or credentials`);
    }
    if (witnesses.some((other) => other.name === key.name && other.keyId.equals(key.keyId))) {
      throw new WitnessListError(`${where}: witness ${key.name} is listed twice`);
    }
    witnesses.push({ ...key, verifierKey, submissionPrefix: url.toString().replace(/\/+$/, '') });
  });
  return witnesses;
}
