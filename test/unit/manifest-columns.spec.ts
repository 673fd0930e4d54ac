import {
  MANIFEST_COLUMNS,
  MANIFEST_HEADER,
  neutraliseFormula,
  restoreFormulaText,
} from '../../src/exports/manifest-columns';

describe('manifest columns', () => {
  it('names each column once, each with an HXL hashtag', () => {
    expect(new Set(MANIFEST_HEADER).size).toBe(MANIFEST_HEADER.length);
    for (const column of MANIFEST_COLUMNS)
      expect(column.hxl).toMatch(/^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/);
  });

  it('neutralises cells a spreadsheet would run as formulas, and the import can undo it', () => {
    for (const cell of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tText', '\rText', "'=1+1", "''@x"]) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
      expect(restoreFormulaText(neutraliseFormula(cell))).toBe(cell);
    }
    // After every separator of any locale and every line break, too.
    for (const [cell, neutralised] of [
      ['Boxes;=HYPERLINK("x")', 'Boxes;\'=HYPERLINK("x")'],
      ['a,+1', "a,'+1"],
      ['\t=1', "'\t'=1"],
      ['a\n@b', "a\n'@b"],
      ["a;'-1", "a;''-1"],
    ]) {
      expect(neutraliseFormula(cell)).toBe(neutralised);
      expect(restoreFormulaText(neutralised)).toBe(cell);
    }
    for (const cell of ['0.10', '12.50', 'Medical masks', "'quoted", 'a=b', '2020-06-10', '']) {
      expect(neutraliseFormula(cell)).toBe(cell);
      expect(restoreFormulaText(cell)).toBe(cell);
    }
  });
});
