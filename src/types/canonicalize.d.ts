/** canonicalize 2.x (CommonJS): RFC 8785 JSON Canonicalization Scheme. */
declare module 'canonicalize' {
  export default function canonicalize(value: unknown): string | undefined;
}
