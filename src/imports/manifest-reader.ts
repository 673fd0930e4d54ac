import { parse } from 'csv-parse/sync';
import { MANIFEST_HEADER, restoreFormulaText, type ManifestColumn } from '../exports/manifest-columns';

/** A problem with a manifest, where a spreadsheet user finds it: row 1 is the header. */
export interface ManifestError {
  row: number;
  column: string | null;
  message: string;
}

/** One line item as read: its spreadsheet row and its cells by column (blank cells absent). */
export interface ManifestRow {
  row: number;
  cells: Partial<Record<ManifestColumn, string>>;
}

/** The rows of one shipment key, in file order. */
export interface ManifestGroup {
  key: string;
  rows: ManifestRow[];
}

/** Columns read from each line; the shipment-level ones must agree across the rows of one shipment key. */
export const SHIPMENT_COLUMNS = [
  'reference', 'title', 'donorId', 'recipientId', 'originCountry', 'originLocation', 'destinationCountry',
  'destinationLocation', 'transportMode', 'emergency', 'priority', 'plannedDispatchDate', 'expectedArrivalDate',
] as const satisfies readonly ManifestColumn[];

export const LINE_COLUMNS = [
  'description', 'category', 'quantity', 'unit', 'unitValue', 'currency', 'itemCode', 'batchNumber', 'expiryDate',
  'weightKg', 'volumeM3',
] as const satisfies readonly ManifestColumn[];

/** Written by the export, accepted and ignored here, so an exported file can be edited and imported again. */
export const EXPORT_ONLY_COLUMNS: readonly ManifestColumn[] = MANIFEST_HEADER.filter(
  (column) => column !== 'shipmentKey' && column !== 'lineNo' && ![...SHIPMENT_COLUMNS, ...LINE_COLUMNS].includes(column as never),
);

const REQUIRED_COLUMNS: readonly ManifestColumn[] = [
  'shipmentKey', 'donorId', 'recipientId', 'originCountry', 'destinationCountry', 'description', 'category', 'quantity', 'unit',
];

/**
 * Reads a manifest: UTF-8 CSV (RFC 4180 quoting, a byte-order mark tolerated), a header row of column
 * names (exactly as the export writes them, case-sensitive), an optional HXL hashtag row right under it,
 * then one row per line item. Lines are ordered by `lineNo` when given, else by file order. Reports every
 * problem it finds instead of stopping at the first.
 */
export function readManifest(text: string): { groups: ManifestGroup[]; errors: ManifestError[] } {
  const errors: ManifestError[] = [];
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, bom: true });
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    return { groups: [], errors: [{ row: lines ?? 1, column: null, message: `not valid CSV: ${message.replace(/^Invalid [^:]*: /, '')}` }] };
  }
  if (records.length === 0) return { groups: [], errors: [{ row: 1, column: null, message: 'the manifest is empty: a header row and at least one line are needed' }] };

  const header = records[0].map((name) => name.trim());
  const known = new Set<string>(MANIFEST_HEADER);
  header.forEach((name, index) => {
    if (!known.has(name)) errors.push({ row: 1, column: name || `column ${index + 1}`, message: 'is not a manifest column' });
    else if (header.indexOf(name) !== index) errors.push({ row: 1, column: name, message: 'appears twice' });
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) errors.push({ row: 1, column, message: 'is a required column and is missing' });
  }
  if (errors.length) return { groups: [], errors };

  // Spreadsheet row numbers: the header is row 1, so records[i] is row i + 1 (skip_empty_lines aside).
  const hashtags = records[1]?.filter((cell) => cell.trim() !== '') ?? [];
  const firstData = hashtags.length > 0 && hashtags.every((cell) => cell.trim().startsWith('#')) ? 2 : 1;
  const rows: ManifestRow[] = [];
  for (let index = firstData; index < records.length; index++) {
    const record = records[index];
    const row = index + 1;
    if (record.length > header.length) {
      errors.push({ row, column: null, message: `has ${record.length} cells; the header has ${header.length}` });
      continue;
    }
    const cells: ManifestRow['cells'] = {};
    header.forEach((name, column) => {
      const value = restoreFormulaText((record[column] ?? '').trim());
      if (value !== '') cells[name as ManifestColumn] = value;
    });
    rows.push({ row, cells });
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ row: 2, column: null, message: 'the manifest has no line items' });

  const groups = new Map<string, ManifestGroup>();
  for (const row of rows) {
    const key = row.cells.shipmentKey;
    if (key === undefined) {
      errors.push({ row: row.row, column: 'shipmentKey', message: 'is required: rows with the same key form one shipment' });
      continue;
    }
    const group = groups.get(key) ?? { key, rows: [] };
    groups.set(key, group);
    const first = group.rows[0];
    if (first) {
      for (const column of SHIPMENT_COLUMNS) {
        if (row.cells[column] !== first.cells[column]) {
          errors.push({ row: row.row, column, message: `differs from row ${first.row} of the same shipmentKey` });
        }
      }
    }
    group.rows.push(row);
  }
  for (const group of groups.values()) {
    const numbered = group.rows.filter((row) => row.cells.lineNo !== undefined);
    if (numbered.length === 0) continue;
    if (numbered.length !== group.rows.length) {
      for (const row of group.rows.filter((r) => r.cells.lineNo === undefined)) {
        errors.push({ row: row.row, column: 'lineNo', message: 'is required when other rows of the same shipmentKey number their lines' });
      }
      continue;
    }
    const seen = new Map<number, number>();
    for (const row of group.rows) {
      const lineNo = /^[1-9]\d{0,5}$/.test(row.cells.lineNo!) ? Number(row.cells.lineNo) : undefined;
      if (lineNo === undefined) errors.push({ row: row.row, column: 'lineNo', message: 'must be a whole number from 1' });
      else if (seen.has(lineNo)) errors.push({ row: row.row, column: 'lineNo', message: `repeats line ${lineNo} of row ${seen.get(lineNo)}` });
      else seen.set(lineNo, row.row);
    }
    group.rows.sort((a, b) => Number(a.cells.lineNo) - Number(b.cells.lineNo));
  }
  return { groups: [...groups.values()], errors };
}
