/**
 * The offline verifier: checks an audit export (GET /api/v1/audit/export) with nothing but the log's
 * public key. No server, no database.
 *
 *   npm run audit:verify -- export.ndjson --public-key key.pem [--checkpoint older-checkpoint.json] [--key-name NAME]
 *
 * It recomputes every leaf hash from the entry, the tree root, and checks the export's checkpoint
 * signature and root; given a checkpoint saved earlier (the JSON of GET /audit/checkpoint), it also
 * checks that the log grew from it without rewriting anything. Exit code 0 when valid, 1 when not,
 * 2 on a usage error.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { LogVerifier, type SignedCheckpoint } from '../log-verifier';

interface CheckpointJson {
  origin: string;
  treeSize: number;
  rootHash: string;
  note: string;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: audit:verify FILE --public-key PEM [--checkpoint OLDER.json] [--key-name NAME]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      options[name] = inline ?? argv[++i] ?? usage(`--${name} needs a value`);
    } else positional.push(arg);
  }
  if (positional.length !== 1) usage('name one export file');
  if (!options['public-key']) usage('--public-key is required');
  return { file: positional[0], publicKeyFile: options['public-key'], olderFile: options.checkpoint, keyName: options['key-name'] };
}

const toSigned = (checkpoint: CheckpointJson): SignedCheckpoint => ({
  treeSize: checkpoint.treeSize,
  rootHash: Buffer.from(checkpoint.rootHash, 'base64'),
  note: checkpoint.note,
});

async function* lines(file: string): AsyncGenerator<{ number: number; value: Record<string, unknown> }> {
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    number += 1;
    if (line.trim() === '') continue;
    try {
      yield { number, value: JSON.parse(line) };
    } catch {
      throw new Error(`line ${number} is not JSON`);
    }
  }
}

export async function verifyExport(file: string, publicKey: KeyObject, older?: CheckpointJson, keyNameOverride?: string) {
  let checkpoint: CheckpointJson | undefined;
  for await (const { value } of lines(file)) if (typeof value.note === 'string') checkpoint = value as unknown as CheckpointJson;
  if (!checkpoint) throw new Error('the export has no checkpoint line');
  const keyName = keyNameOverride ?? checkpoint.origin;
  const verifier = new LogVerifier([toSigned(checkpoint), ...(older ? [toSigned(older)] : [])], keyName, publicKey);
  let first: number | undefined;
  for await (const { number, value } of lines(file)) {
    if (typeof value.note === 'string') continue;
    if (typeof value.seq !== 'number') throw new Error(`line ${number} has no seq`);
    first ??= value.seq;
    if (first !== 0) throw new Error(`the export starts at seq ${first}; the root can only be checked from seq 0 (export without fromSeq)`);
    const claimed = typeof value.leafHash === 'string' ? Buffer.from(value.leafHash, 'hex') : null;
    const { seq: _seq, leafHash: _leafHash, missing, ...entry } = value;
    verifier.addLeaf(value.seq, missing ? null : (entry as never), claimed);
  }
  return { checkpoint, report: verifier.finish() };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readFileSync(args.publicKeyFile, 'utf8'));
  } catch {
    usage(`${args.publicKeyFile} is not a public key (SPKI PEM, as GET /audit/public-key gives it)`);
  }
  const older = args.olderFile ? (JSON.parse(readFileSync(args.olderFile, 'utf8')) as CheckpointJson) : undefined;
  const { checkpoint, report } = await verifyExport(args.file, publicKey, older, args.keyName);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    report.valid
      ? `VALID: ${report.treeSize} entries, root matches the checkpoint signed by ${checkpoint.origin}${older ? `, consistent with the checkpoint of ${older.treeSize}` : ''}\n`
      : `INVALID: first bad index ${report.firstInvalidSeq}\n`,
  );
  process.exit(report.valid ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`audit:verify: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
