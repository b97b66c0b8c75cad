import { createHash } from 'node:crypto';

/**
 * Canonical JSON (the JSON Canonicalization Scheme, RFC 8785, for the values a portfolio holds):
 * object keys sorted by UTF-16 code units, no whitespace, strings and numbers as ECMAScript's
 * JSON.stringify writes them, arrays in their order. The same value always gives the same
 * text, so its SHA-256 identifies the content. `undefined` members are left out (as JSON
 * does); non-finite numbers, functions, symbols and bigints are refused.
 * Example: canonicalJson({ b: 1, a: [true, null, '档'] }) === '{"a":[true,null,"档"],"b":1}'.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no representation for ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no representation for a ${typeof value}`);
  }
}

/** SHA-256 (lower-case hex) of a text's UTF-8 bytes — what `sha256sum` prints for the same bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}
