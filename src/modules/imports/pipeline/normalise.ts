/**
 * Normalises a cell as people type it in Chinese input methods: full-width ASCII
 * (Ａ–Ｚ, ０–９, ＿, －, ．, ／ …, U+FF01–U+FF5E) becomes half-width, the ideographic space
 * (U+3000) and no-break space become plain spaces, zero-width characters vanish, and the
 * value is trimmed. Chinese characters are left as they are.
 */
const NEEDS_MAPPING = /[\uff01-\uff5e\u3000\u00a0\u200b-\u200d\ufeff]/;

export function normaliseCell(raw: string): string {
  // Most cells hold nothing to map: skip the per-character rebuild (1M-row imports call this ~10M times).
  if (!NEEDS_MAPPING.test(raw)) return raw.trim();
  let out = '';
  for (const char of raw) {
    const code = char.codePointAt(0)!;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000 || code === 0x00a0) out += ' ';
    else if (code === 0x200b || code === 0x200c || code === 0x200d || code === 0xfeff) continue;
    else out += char;
  }
  return out.trim();
}
