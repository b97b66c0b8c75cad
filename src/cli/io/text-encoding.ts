/**
 * Input text encodings for CLI files: UTF-8 (with or without BOM) and GBK/GB18030, the
 * encoding Excel and WPS on Chinese Windows save CSV in. Everything downstream sees UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import * as iconv from 'iconv-lite';

export type EncodingChoice = 'auto' | 'utf8' | 'gbk';
export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'gbk';

export class InputEncodingError extends Error {
  override readonly name = 'InputEncodingError';
}

/**
 * Decides the encoding of `raw`: a UTF-8 BOM → 'utf8-bom'; a UTF-16 BOM → error (save as
 * UTF-8 or GBK); bytes that are valid UTF-8 → 'utf8'; otherwise 'gbk' (decoded as GB18030, a
 * superset of GBK and GB2312). Pure ASCII is valid UTF-8 and GBK alike, so 'utf8' is exact.
 * Cost: O(n) (Node's native UTF-8 validator).
 */
export function detectEncoding(raw: Uint8Array): DetectedEncoding {
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return 'utf8-bom';
  if (raw.length >= 2 && ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff))) {
    throw new InputEncodingError('the file is UTF-16; save it as UTF-8 or GBK CSV');
  }
  return isUtf8(raw) ? 'utf8' : 'gbk';
}

/**
 * Returns the file's bytes as UTF-8 (without BOM) and the encoding it had. With choice
 * 'utf8' invalid UTF-8 is an error (so a GBK file is never misread silently); with 'gbk' the
 * bytes are decoded as GB18030. UTF-8 input is returned without copying.
 */
export function toUtf8(raw: Buffer, choice: EncodingChoice = 'auto'): { bytes: Buffer; encoding: DetectedEncoding } {
  const detected = detectEncoding(raw);
  if (choice === 'gbk' || (choice === 'auto' && detected === 'gbk')) {
    return { bytes: Buffer.from(iconv.decode(raw, 'gb18030'), 'utf8'), encoding: 'gbk' };
  }
  if (detected === 'gbk') {
    throw new InputEncodingError('the file is not valid UTF-8; pass --encoding gbk (or auto) for GBK files');
  }
  return detected === 'utf8-bom' ? { bytes: raw.subarray(3), encoding: detected } : { bytes: raw, encoding: detected };
}
