export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

/**
 * Decodes an uploaded text file. Chinese schools' CSVs come as UTF-8, UTF-8 with BOM (Excel's
 * "CSV UTF-8") or GBK/GB18030 (Excel's default "CSV" on Chinese Windows). Rule:
 *  1. a UTF-8 BOM → UTF-8;
 *  2. bytes that are valid UTF-8 → UTF-8 (GBK text is almost never valid UTF-8);
 *  3. otherwise GB18030, a superset of GBK and GB2312 — accepted only if every byte sequence is
 *     valid GB18030 and none decodes to the replacement character; else the file's encoding
 *     cannot be determined.
 * GB18030 is decoded by Node's ICU decoder (fatal on bad bytes), the same decoder the streaming
 * reader uses for the rest of a large file; iconv-lite took ~25 ms per MiB and its tables another
 * ~40 ms to build on every import.
 */
export function decodeText(bytes: Buffer): { text: string; encoding: TextEncoding } | { error: 'ENCODING_UNDETECTED' } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(3));
    return text.includes('\uFFFD') ? { error: 'ENCODING_UNDETECTED' } : { text, encoding: 'utf-8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8; try GB18030 below
  }
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return { error: 'ENCODING_UNDETECTED' };
  }
  if (text.includes('\uFFFD')) return { error: 'ENCODING_UNDETECTED' };
  return { text, encoding: 'gb18030' };
}
