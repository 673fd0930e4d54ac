/**
 * JSON with every object's keys sorted, two-space indented, with a trailing newline: the form of the
 * checked-in openapi.json, so that a change of the contract reads as a small diff. No imports: the
 * drift test uses it too.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
