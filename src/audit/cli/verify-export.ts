/**
 * The offline verifier: checks an audit export (GET /api/v1/audit/export) with nothing but the log's
 * public key. No server, no database.
 *
 *   npm run audit:verify -- export.ndjson --public-key key.pem [--checkpoint older-checkpoint.json] [--key-name NAME]
 *                           [--witness VKEY]... [--quorum N]
 *
 * It recomputes every leaf hash from the entry, the tree root, and checks the export's checkpoint
 * signature and root; given a checkpoint saved earlier (the JSON of GET /audit/checkpoint), it also
 * checks that the log grew from it without rewriting anything. Given witnesses (their cosignature/v1
 * verifier keys), it also requires the export's checkpoint to carry valid cosignatures by at least
 * `--quorum` of them (default: all). Exit code 0 when valid, 1 when not, 2 on a usage error.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { entryBytes, hashExportLineInPlace, MISSING_MEMBERS, splitExportLine } from '../audit-entry.view';
import { LogVerifier, type EntryBytes, type SignedCheckpoint } from '../log-verifier';
import type { CosignerKey } from '../merkle/cosignature';
import { checkQuorum, parseWitnessKeys } from '../witness/witness-quorum';

interface CheckpointJson {
  origin: string;
  treeSize: number;
  rootHash: string;
  note: string;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: audit:verify FILE --public-key PEM [--checkpoint OLDER.json] [--key-name NAME] [--witness VKEY]... [--quorum N]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const options: Record<string, string> = {};
  const witnesses: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      const value = (equals < 0 ? argv[++i] : arg.slice(equals + 1)) ?? usage(`--${name} needs a value`);
      if (name === 'witness') witnesses.push(value);
      else options[name] = value;
    } else positional.push(arg);
  }
  if (positional.length !== 1) usage('name one export file');
  if (!options['public-key']) usage('--public-key is required');
  const quorum = options.quorum === undefined ? witnesses.length : /^[1-9][0-9]{0,2}$/.test(options.quorum) ? Number(options.quorum) : NaN;
  if (options.quorum !== undefined && witnesses.length === 0) usage('--quorum needs the witnesses, each with --witness VKEY');
  if (!(quorum <= witnesses.length)) usage(`--quorum must be a whole number from 1 to the number of witnesses given (${witnesses.length})`);
  let witnessKeys: CosignerKey[] = [];
  try {
    witnessKeys = parseWitnessKeys(witnesses);
  } catch (error) {
    usage(`--witness ${(error as Error).message}`);
  }
  return { file: positional[0], publicKeyFile: options['public-key'], olderFile: options.checkpoint, keyName: options['key-name'], witnessKeys, quorum };
}

const toSigned = (checkpoint: CheckpointJson): SignedCheckpoint => ({
  treeSize: checkpoint.treeSize,
  rootHash: Buffer.from(checkpoint.rootHash, 'base64'),
  note: checkpoint.note,
});

const NEWLINE = 0x0a;
/** How the checkpoint line ({origin, treeSize, …}, as GET /audit/checkpoint serves it) begins. */
const CHECKPOINT_START = Buffer.from('{"origin":');

/**
 * Calls `each` with every non-blank line of the file as a byte view (no decoding, no copy), numbered
 * from 1. Synchronous reads into one large buffer: a log of millions of lines is read at disk speed.
 */
function forEachLine(file: string, each: (number: number, line: Buffer) => void): void {
  const fd = openSync(file, 'r');
  let buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
  let filled = 0;
  let number = 0;
  try {
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]); // a line longer than the buffer
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      const end = filled + read;
      let start = 0;
      for (let newline = buffer.indexOf(NEWLINE, start); newline !== -1 && newline < end; newline = buffer.indexOf(NEWLINE, start)) {
        number += 1;
        const line = buffer.subarray(start, buffer[newline - 1] === 0x0d ? newline - 1 : newline);
        if (line.length) each(number, line);
        start = newline + 1;
      }
      if (read === 0) {
        if (end > start) each(number + 1, buffer.subarray(start, end));
        return;
      }
      buffer.copy(buffer, 0, start, end);
      filled = end - start;
    }
  } finally {
    closeSync(fd);
  }
}

/** The export's last line, the checkpoint, read from the end of the file. */
function checkpointLine(file: string): CheckpointJson {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const text = tail.toString('utf8').trimEnd();
    const value = JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) as Partial<CheckpointJson>;
    if (typeof value.note !== 'string' || typeof value.treeSize !== 'number') throw new Error();
    return value as CheckpointJson;
  } catch {
    throw new Error('the export does not end with its checkpoint line');
  } finally {
    closeSync(fd);
  }
}

/**
 * One entry line: seq, claimed leaf hash and the entry's bytes. Lines as the service exports them are
 * sliced (the bytes are the stored canonical text, see exportLine); any other JSON object with `seq` is
 * parsed and canonicalized, so an export rewritten by other tools still verifies if its content is intact.
 */
function readEntry(number: number, line: Buffer): { seq: number; claimed: Buffer | null; bytes: EntryBytes | null } {
  const split = splitExportLine(line);
  if (split) return { seq: split.seq, claimed: split.leafHash, bytes: split.bytes[1].equals(MISSING_MEMBERS) ? null : split.bytes };
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    throw new Error(`line ${number} is not JSON`);
  }
  if (typeof value.seq !== 'number') throw new Error(`line ${number} has no seq`);
  const claimed = typeof value.leafHash === 'string' ? Buffer.from(value.leafHash, 'hex') : null;
  const { seq, leafHash: _leafHash, missing, ...entry } = value;
  return { seq: seq as number, claimed, bytes: missing ? null : entryBytes(entry as never) };
}

export async function verifyExport(file: string, publicKey: KeyObject, older?: CheckpointJson, keyNameOverride?: string) {
  const checkpoint = checkpointLine(file);
  const keyName = keyNameOverride ?? checkpoint.origin;
  const verifier = new LogVerifier([toSigned(checkpoint), ...(older ? [toSigned(older)] : [])], keyName, publicKey);
  // LogVerifier only compares a claimed hash when it has recomputed one, so one buffer serves every line.
  const claimed = Buffer.alloc(32);
  let first: number | undefined;
  const checkStart = (seq: number) => {
    first ??= seq;
    if (first !== 0) throw new Error(`the export starts at seq ${first}; the root can only be checked from seq 0 (export without fromSeq)`);
  };
  forEachLine(file, (number, line) => {
    // The checkpoint is the last line; entry lines never begin as it does.
    if (line.compare(CHECKPOINT_START, 0, CHECKPOINT_START.length, 0, CHECKPOINT_START.length) === 0) return;
    const hashed = hashExportLineInPlace(line, claimed);
    if (hashed) {
      checkStart(hashed.seq);
      verifier.addRecomputedLeaf(hashed.seq, hashed.leafHash, claimed);
      return;
    }
    const { seq, claimed: claimedHash, bytes } = readEntry(number, line);
    checkStart(seq);
    verifier.addLeaf(seq, bytes, claimedHash);
  });
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
  if (report.valid && args.witnessKeys.length > 0) {
    const quorum = checkQuorum(checkpoint.note, args.witnessKeys, args.quorum);
    if (!quorum.met) {
      process.stdout.write(`INVALID: witness quorum not met: ${quorum.reason}\n`);
      process.exit(1);
    }
    process.stdout.write(`cosigned by ${quorum.cosigned.length} of ${args.witnessKeys.length} witnesses (${quorum.cosigned.join(', ')}); quorum ${args.quorum}\n`);
  }
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
