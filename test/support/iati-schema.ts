import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The official IATI 2.03 activity schema is not copied into this project. Tests take its directory from IATI_SCHEMA_DIR (iati-activities-schema.xsd with the
 * iati-common.xsd and xml.xsd it imports) and skip schema validation, saying so in one line, without it.
 */
export function iatiSchema(): string | null {
  const dir = process.env.IATI_SCHEMA_DIR;
  const schema = dir ? join(dir, 'iati-activities-schema.xsd') : null;
  return schema && existsSync(schema) ? schema : null;
}

export const SCHEMA_SKIP_NOTE =
  'validation against the IATI 2.03 schema: not run, IATI_SCHEMA_DIR names no directory holding iati-activities-schema.xsd';

/** xmllint's verdict on the document: `valid` and what it printed. */
export function validateWithXmllint(schema: string, xml: string): { valid: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, '-'], {
    input: xml,
    encoding: 'utf8',
  });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw missing
      ? new Error('xmllint not found: install it (Debian: apt-get install libxml2-utils)')
      : run.error;
  }
  return { valid: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}
