import { stringify, Stringifier } from 'csv-stringify';
import { MANIFEST_HEADER, MANIFEST_HXL_TAGS, neutraliseFormula, QUOTED_CELL } from './manifest-columns';

/**
 * A CSV writer for manifest rows (arrays in MANIFEST_COLUMNS order, null for empty) with the header row,
 * and the HXL hashtag row under it when asked, already written: RFC 4180 (CRLF, fields quoted when they
 * hold a comma, quote or line break, and also a `;` or tab for the spreadsheets of other locales),
 * formulas neutralised after every separator.
 */
export function manifestCsvWriter(hxl: boolean): Stringifier {
  const csv = stringify({
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone LF or CR; RFC 4180
    // and spreadsheets need any line break quoted, and `;`-locale spreadsheets a `;` or tab.
    quoted_match: QUOTED_CELL,
    cast: { string: neutraliseFormula },
  });
  csv.write([...MANIFEST_HEADER]);
  if (hxl) csv.write([...MANIFEST_HXL_TAGS]);
  return csv;
}
