import { oneOf, textArray } from '../../src/database/check-expressions';

describe('CHECK expressions from constants', () => {
  it('lists the values as SQL text literals, in order', () => {
    expect(oneOf('role', ['admin', 'partner'])).toBe(`role IN ('admin','partner')`);
    expect(textArray(['shipment.created'])).toBe(`ARRAY['shipment.created']::text[]`);
  });

  it('doubles a quote inside a value', () => {
    expect(oneOf('type', [`o'brien`])).toBe(`type IN ('o''brien')`);
  });
});
