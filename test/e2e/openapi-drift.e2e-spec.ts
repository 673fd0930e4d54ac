import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stableJson } from '../../src/http/stable-json';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

const ROOT = resolve(__dirname, '../..');
const REGENERATE = 'The contract changed: run `npm run openapi` and commit openapi.json and test/typed-client/openapi.d.ts.';

/**
 * openapi.json is the contract as checked in: every change to what the service documents must show up
 * in it (and in review). The served /docs-json and the typed client's types must both match it.
 */
describe('the checked-in contract (openapi.json)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(() => service?.stop());

  it('is the document the service serves at /docs-json', async () => {
    const served = await new Api(service.baseUrl, null).get('/docs-json');
    expect(served.status).toBe(200);
    const checkedIn = readFileSync(resolve(ROOT, 'openapi.json'), 'utf8');
    if (stableJson(served.body) !== checkedIn) throw new Error(`${REGENERATE}\n${firstDifference(stableJson(served.body), checkedIn)}`);
  });

  it('is what test/typed-client/openapi.d.ts was generated from', () => {
    const generated = spawnSync(resolve(ROOT, 'node_modules/.bin/openapi-typescript'), ['openapi.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(generated.status).toBe(0);
    const checkedIn = readFileSync(resolve(ROOT, 'test/typed-client/openapi.d.ts'), 'utf8');
    if (generated.stdout !== checkedIn) throw new Error(`${REGENERATE}\n${firstDifference(generated.stdout, checkedIn)}`);
  });
});

/** The first line that differs, with its number, so the failure says where to look. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}:\n  served/generated: ${a[at] ?? '(end)'}\n  checked in:       ${b[at] ?? '(end)'}`;
}
