/**
 * CHECK expressions built from the constants the code validates against, so an entity states each value
 * rule once. A changed list needs a migration: `npm run schema:check` compares these with the migrated
 * constraints.
 */

/** `column IN ('a','b',…)`. */
export function oneOf(column: string, values: readonly string[]): string {
  return `${column} IN (${values.map(textLiteral).join(',')})`;
}

/** `ARRAY['a','b',…]::text[]`. */
export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(textLiteral).join(',')}]::text[]`;
}

const textLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
