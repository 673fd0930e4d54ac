/**
 * A key made when a form opens and sent with every submission of it, so a double click or a retry
 * after a dropped connection records once. getRandomValues works outside secure contexts too
 * (a field laptop reaching the service over plain HTTP on a local network).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
