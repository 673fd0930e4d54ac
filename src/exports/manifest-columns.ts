/**
 * The line-item manifest: one row per shipment line, the columns in this order. The export writes it
 * (`GET /shipments/export`) and the import reads it (`POST /shipments/import`), so a file exported from
 * one ledger can be edited and imported into another. Rows with the same `shipmentKey` form one shipment.
 *
 * `hxl` is the column's tag in the HXL hashtag row (`format=hxl`): HXL 1.1 core hashtags and attributes
 * where the standard has one (`#org+funder`, `#item+name`, `#country+code`, `#currency`, `#status`,
 * `#date+start+planned`…), plus attributes of our own where it has none (HXL allows any attribute, e.g.
 * `+recipient`, `+origin`, `+dest`), and `#x_` extension hashtags for what no core hashtag covers.
 */
export const MANIFEST_COLUMNS = [
  {
    name: 'shipmentKey',
    hxl: '#meta+id',
    description: "The shipment's id; rows sharing it belong to one shipment",
  },
  { name: 'reference', hxl: '#activity+code', description: 'e.g. SHP-2020-000001' },
  { name: 'title', hxl: '#activity+name' },
  { name: 'donorId', hxl: '#org+funder+id' },
  { name: 'donorName', hxl: '#org+funder+name' },
  { name: 'recipientId', hxl: '#org+recipient+id' },
  { name: 'recipientName', hxl: '#org+recipient+name' },
  { name: 'originCountry', hxl: '#country+code+origin', description: 'ISO 3166-1 alpha-2' },
  { name: 'originLocation', hxl: '#loc+name+origin' },
  { name: 'destinationCountry', hxl: '#country+code+dest', description: 'ISO 3166-1 alpha-2' },
  { name: 'destinationLocation', hxl: '#loc+name+dest' },
  { name: 'status', hxl: '#status' },
  { name: 'transportMode', hxl: '#x_transport+mode' },
  { name: 'emergency', hxl: '#crisis+name', description: 'e.g. COVID-19' },
  { name: 'priority', hxl: '#x_priority' },
  { name: 'plannedDispatchDate', hxl: '#date+start+planned', description: 'YYYY-MM-DD' },
  { name: 'expectedArrivalDate', hxl: '#date+end+planned', description: 'YYYY-MM-DD' },
  { name: 'lineNo', hxl: '#meta+line' },
  { name: 'description', hxl: '#item+name' },
  { name: 'category', hxl: '#item+type' },
  { name: 'quantity', hxl: '#item+num', description: 'decimal' },
  { name: 'unit', hxl: '#item+unit' },
  { name: 'unitValue', hxl: '#value+unit', description: 'decimal, in currency' },
  { name: 'currency', hxl: '#currency', description: 'ISO 4217' },
  { name: 'itemCode', hxl: '#item+code' },
  { name: 'batchNumber', hxl: '#item+batch' },
  { name: 'expiryDate', hxl: '#date+expiry', description: 'YYYY-MM-DD' },
  { name: 'weightKg', hxl: '#item+weight+kg', description: 'decimal' },
  { name: 'volumeM3', hxl: '#item+volume+m3', description: 'decimal' },
  { name: 'quantityReceived', hxl: '#item+num+received', description: 'decimal' },
  { name: 'quantityDamaged', hxl: '#item+num+damaged', description: 'decimal' },
  { name: 'createdAt', hxl: '#date+created', description: 'ISO 8601, UTC' },
] as const;

export type ManifestColumn = (typeof MANIFEST_COLUMNS)[number]['name'];

export const MANIFEST_HEADER: readonly ManifestColumn[] = MANIFEST_COLUMNS.map((column) => column.name);
export const MANIFEST_HXL_TAGS: readonly string[] = MANIFEST_COLUMNS.map((column) => column.hxl);

/**
 * What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, and tab
 * or carriage return, which some spreadsheets skip before looking for one of those.
 */
export const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * Where a spreadsheet may start reading a cell: the start of the text, and just after anything that some
 * locale or program takes for a cell or line boundary: `,` (en), `;` (fr, de, es… write CSV with it),
 * tab, and a line break (a quoted multi-line cell opened by a program that splits lines first). At each
 * such place, a trigger behind any apostrophes gets one more `'`, so the import can undo it exactly.
 */
const ESCAPED_TRIGGERS = /(?<=^|[,;\t\r\n])(?='*[=+\-@\t\r])/g;
const ADDED_APOSTROPHES = /(?<=^|[,;\t\r\n])'(?='*[=+\-@\t\r])/g;

/**
 * A text cell a spreadsheet shows as text in every locale: `Boxes;=HYPERLINK(…)` becomes
 * `Boxes;'=HYPERLINK(…)`, so a `;`-separator spreadsheet that splits it still finds no formula. Applied to
 * every cell; the ledger's decimals are never negative (quantity > 0, values ≥ 0), so no number is altered.
 */
export const neutraliseFormula = (cell: string): string => cell.replace(ESCAPED_TRIGGERS, "'");

/** The inverse of `neutraliseFormula`, for the import: `'=SUM(…)` back to `=SUM(…)`, `''=x` to `'=x`. */
export const restoreFormulaText = (cell: string): string => cell.replace(ADDED_APOSTROPHES, '');

/**
 * Cells the CSV writer quotes besides those RFC 4180 requires (a `,`, a quote, a line break): any holding
 * another locale's separator (`;`, tab) or a lone CR or LF, and any the neutralisation changed, so that a
 * spreadsheet splitting on `;` or tab keeps the cell whole.
 */
export const QUOTED_CELL = /[;\t\r\n]|^'/;
