/** canonicalize 2.x (CommonJS): RFC 8785 JSON Canonicalization Scheme. */
declare module 'canonicalize' {
  function canonicalize(value: unknown): string | undefined;
  export = canonicalize;
}
