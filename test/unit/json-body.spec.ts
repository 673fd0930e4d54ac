import { JsonNumber, MAX_JSON_DEPTH, MAX_STRING_LENGTH, parseJsonBody } from '../../src/common/json-body';
import { Problem } from '../../src/common/problem';
import { parse } from 'lossless-json';

/** The Problem a body is refused with. */
function refusal(text: string): Problem {
  try {
    parseJsonBody(text);
  } catch (error) {
    expect(error).toBeInstanceOf(Problem);
    return error as Problem;
  }
  throw new Error(`accepted: ${text.slice(0, 80)}`);
}

describe('parseJsonBody', () => {
  it('keeps every number as its literal text', () => {
    const body = parseJsonBody(
      '{"a": 12.50, "b": [0.1, 1e400, -0, 12345678901234567890.123456789, 7]}',
    ) as Record<string, unknown>;
    expect(body.a).toBeInstanceOf(JsonNumber);
    expect((body.a as JsonNumber).text).toBe('12.50');
    expect((body.b as JsonNumber[]).map((n) => n.text)).toEqual([
      '0.1',
      '1e400',
      '-0',
      '12345678901234567890.123456789',
      '7',
    ]);
    expect((parseJsonBody('42') as JsonNumber).text).toBe('42');
  });

  it('parses everything else as JSON does', () => {
    expect(
      parseJsonBody('{"s": "Kyiv \\u2014 \\ud83d\\ude9a", "t": true, "n": null, "o": {}, "l": []}'),
    ).toEqual({
      s: 'Kyiv \u2014 \ud83d\ude9a',
      t: true,
      n: null,
      o: {},
      l: [],
    });
    expect(parseJsonBody('"text"')).toBe('text');
    expect(parseJsonBody('null')).toBeNull();
  });

  it.each(['', '   ', '\n'])('refuses an empty body %j (400)', (text) => {
    expect(refusal(text)).toMatchObject({ status: 400, detail: expect.stringContaining('empty') });
  });

  it.each(['{', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', '{"a":01}', '{"a":1,"a":2}'])(
    'refuses invalid JSON %s (400)',
    (text) => {
      expect(refusal(text)).toMatchObject({ status: 400, code: 'bad-request' });
    },
  );

  // Bodies without a JSON number take JSON.parse (json-body.ts); it keeps the last of duplicate keys.
  it.each(['{"a":"x","a":"y"}', '{"o":{"k":"1","k":"2"}}', '[{"a":true},{"b":null,"b":false}]', '{"a":"1","a":2}'])(
    'refuses duplicate keys %s (400)',
    (text) => {
      expect(refusal(text)).toMatchObject({ status: 400, detail: expect.stringContaining('Duplicate key') });
    },
  );

  it('reads a body with no number exactly as lossless-json does', () => {
    const text = JSON.stringify({
      title: 'COVID-19 assistance: "masks", suits \u2014 {kits}: [lots]',
      origin: { countryCode: 'AZ', location: 'Baku' },
      emergency: null,
      urgent: true,
      items: [{ quantity: '500000', unitValue: '0.10', expiryDate: '2021-11-30' }, {}],
      'key:with:colons': 'value: "quoted" \\ backslash',
    });
    expect(parseJsonBody(text)).toEqual(parse(text));
    expect(parseJsonBody('{"a":"x","a":"x"}')).toEqual({ a: 'x' }); // a repeated identical pair, as lossless-json
  });

  it('refuses NUL characters in values and keys, naming where', () => {
    expect(refusal('{"a":{"b":[{"c":"x\\u0000y"}]}}')).toMatchObject({
      status: 400,
      errors: [{ path: 'a.b[0].c', message: 'must not contain NUL characters' }],
    });
    expect(refusal('{"a\\u0000":"x"}')).toMatchObject({ status: 400, errors: [{ path: '(body)' }] });
    expect(refusal('{"o":{"k\\u0000":1}}')).toMatchObject({ status: 400, errors: [{ path: 'o' }] });
  });

  it('refuses lone surrogates, accepts pairs', () => {
    for (const text of ['{"a":"\\ud800"}', '{"a":"x\\udc00"}', '{"a":"\\ude00\\ud83d"}']) {
      expect(refusal(text)).toMatchObject({
        status: 400,
        errors: [{ path: 'a', message: expect.stringContaining('surrogate') }],
      });
    }
    expect(parseJsonBody('{"a":"\\ud83d\\ude00"}')).toEqual({ a: '\u{1F600}' });
  });

  it(`limits nesting to ${MAX_JSON_DEPTH} levels`, () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).not.toThrow();
    expect(refusal(nested(MAX_JSON_DEPTH + 2))).toMatchObject({
      status: 400,
      detail: expect.stringContaining('nested'),
    });
    const objects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    expect(() => parseJsonBody(objects(MAX_JSON_DEPTH))).not.toThrow();
    expect(refusal(objects(MAX_JSON_DEPTH + 1))).toMatchObject({ status: 400 });
  });

  it('answers absurd nesting with a 400, not a crash', () => {
    expect(refusal(nestedArrays(100_000))).toMatchObject({ status: 400, detail: expect.stringContaining('nested') });
    expect(refusal(`{"a":${'{"b":'.repeat(10_000)}1${'}'.repeat(10_000)}}`)).toMatchObject({ detail: expect.stringContaining('nested') });
  });

  it('does not count brackets inside strings as nesting', () => {
    const brackets = '[{'.repeat(1_000);
    expect(parseJsonBody(JSON.stringify({ a: brackets, b: `\\"${brackets}` }))).toEqual({ a: brackets, b: `\\"${brackets}` });
  });

  it(`limits strings to ${MAX_STRING_LENGTH} characters`, () => {
    expect(() => parseJsonBody(JSON.stringify({ a: 'x'.repeat(MAX_STRING_LENGTH) }))).not.toThrow();
    expect(refusal(JSON.stringify({ a: 'x'.repeat(MAX_STRING_LENGTH + 1) }))).toMatchObject({
      status: 400,
      errors: [{ path: 'a' }],
    });
  });

  it('refuses __proto__ and constructor keys, which no request has, naming where', () => {
    expect(refusal('{"__proto__": {"isAdmin": true}}')).toMatchObject({
      status: 400,
      errors: [{ path: '__proto__', message: 'is not a known field' }],
    });
    expect(refusal('{"a": [{"constructor": {"prototype": {"isAdmin": true}}}]}')).toMatchObject({
      status: 400,
      errors: [{ path: 'a[0].constructor' }],
    });
    // Other keys merely resembling them are data.
    expect(parseJsonBody('{"proto": 1, "Constructor": 2, "prototype": 3}')).toEqual({
      proto: new JsonNumber('1'),
      Constructor: new JsonNumber('2'),
      prototype: new JsonNumber('3'),
    });
  });

  it('never pollutes Object.prototype, not even while refusing', () => {
    for (const text of [
      '{"__proto__": {"polluted": true}}',
      '{"a": {"__proto__": {"polluted": true}}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '[{"__proto__": {"polluted": true}}]',
    ]) {
      expect(() => parseJsonBody(text)).toThrow(Problem);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    }
  });
});

function nestedArrays(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}
