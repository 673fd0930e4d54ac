import { decodeCursor, encodeCursor } from '../../src/common/cursor';
import { Problem } from '../../src/common/problem';

const ID = '3f2a1c4e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
const forge = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

function refusal(cursor: string, sort: string): Problem {
  try {
    decodeCursor(cursor, sort);
  } catch (error) {
    expect(error).toBeInstanceOf(Problem);
    return error as Problem;
  }
  throw new Error(`accepted ${cursor}`);
}

describe('keyset cursors', () => {
  it('round-trip the sort value and id', () => {
    const keyset = { value: '2020-06-10T08:00:00.000Z', id: ID };
    const cursor = encodeCursor(keyset, '-createdAt');
    expect(decodeCursor(cursor, '-createdAt')).toEqual(keyset);
    expect(decodeCursor(encodeCursor({ value: '17', id: ID }, `events:${ID}`), `events:${ID}`)).toEqual({
      value: '17',
      id: ID,
    });
  });

  it('are opaque, URL-safe text', () => {
    const cursor = encodeCursor({ value: 'Ünïcode ✓ +/=', id: ID }, 'createdAt');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
    expect(decodeCursor(cursor, 'createdAt').value).toBe('Ünïcode ✓ +/=');
  });

  it('are refused for another sort order or list (400 naming cursor)', () => {
    const cursor = encodeCursor({ value: '2020-06-10T08:00:00.000Z', id: ID }, '-createdAt');
    for (const sort of ['createdAt', '-updatedAt', `events:${ID}`, '']) {
      expect(refusal(cursor, sort)).toMatchObject({
        status: 400,
        errors: [{ path: 'cursor', message: expect.any(String) }],
      });
    }
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['empty', ''],
    ['JSON null', forge(null)],
    ['a number', forge(5)],
    ['an array', forge(['-createdAt', 'v', ID])],
    ['no value', forge({ s: '-createdAt', i: ID })],
    ['a numeric value', forge({ s: '-createdAt', v: 5, i: ID })],
    ['a value of 64 characters', forge({ s: '-createdAt', v: 'x'.repeat(64), i: ID })],
    ['an id that is not a UUID', forge({ s: '-createdAt', v: 'x', i: "1' OR '1'='1" })],
    ['an upper-case UUID', forge({ s: '-createdAt', v: 'x', i: ID.toUpperCase() })],
    ['no id', forge({ s: '-createdAt', v: 'x' })],
    ['a value with a NUL character', forge({ s: '-createdAt', v: 'x\u0000', i: ID })],
  ])('refuses %s', (_, cursor) => {
    expect(refusal(cursor, '-createdAt')).toMatchObject({ status: 400, errors: [{ path: 'cursor' }] });
  });

  it('accepts a value just under the length limit', () => {
    expect(decodeCursor(forge({ s: 'x', v: 'v'.repeat(63), i: ID }), 'x').value).toHaveLength(63);
  });
});
