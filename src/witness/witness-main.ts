/**
 * `npm run witness`: a C2SP tlog-witness for AidTrail logs (or any log signing C2SP checkpoints with
 * Ed25519), on its own port. Configuration by environment; see README.md and docs/audit.md.
 */
import pino from 'pino';
import { createPublicKey } from 'node:crypto';
import { cosignerVerifierKey } from '../audit/merkle/cosignature';
import { AddCheckpoint } from './add-checkpoint';
import { FileStateStore } from './file-state.store';
import { PostgresStateStore } from './postgres-state.store';
import { loadWitnessConfig, WitnessConfigError, type WitnessConfig } from './witness-config';
import { createWitnessServer } from './witness-server';
import type { WitnessStateStore } from './witness-state';

async function start(config: WitnessConfig): Promise<void> {
  const log = pino({ level: config.logLevel, base: { context: 'witness' } });
  const state: WitnessStateStore = /^postgres(ql)?:\/\//.test(config.state)
    ? await PostgresStateStore.open(config.state)
    : new FileStateStore(config.state);
  const publicKey = createPublicKey(config.privateKey);
  const addCheckpoint = new AddCheckpoint({ name: config.name, privateKey: config.privateKey }, config.logs, state);
  const server = createWitnessServer({ addCheckpoint, state, name: config.name, publicKey, origins: config.logs.map((l) => l.origin), log });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolveListen());
  });
  const address = server.address();
  log.info(
    {
      url: typeof address === 'object' && address ? `http://${config.host}:${address.port}` : String(address),
      verifierKey: cosignerVerifierKey(config.name, publicKey),
      logs: config.logs.map((l) => l.origin),
    },
    'witness is listening',
  );
  const stop = () => {
    server.close(() => void state.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

let config: WitnessConfig;
try {
  config = loadWitnessConfig();
} catch (error) {
  if (error instanceof WitnessConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
start(config).catch((error: unknown) => {
  process.stderr.write(`witness failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
