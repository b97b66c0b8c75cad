import * as zlib from 'node:zlib';

/**
 * The most an uploaded .xlsx may inflate to. The XLSX reader streams the first sheet (ADR 0430)
 * but still inflates every part it reads, and spools a sheet stored before the shared strings to
 * disk, so a zip bomb — a small upload that inflates to gigabytes — is refused before it gets
 * there (ADR 1002). 256 MiB of XML is far above a real sheet of a few hundred thousand rows.
 */
export const XLSX_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Inflated size of raw-deflate data, counted as it streams (never held); Infinity past the budget, -1 when corrupt. */
function inflatedSize(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve) => {
    const inflater = zlib.createInflateRaw();
    let total = 0;
    let settled = false;
    const settle = (value: number) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) {
        settle(Number.POSITIVE_INFINITY);
        inflater.destroy();
      }
    });
    inflater.on('end', () => settle(total));
    inflater.on('error', () => settle(-1));
    inflater.end(data);
  });
}

/**
 * Whether a zip's entries inflate to at most `limit` bytes in all: the sizes its central
 * directory declares first (cheap), then the real inflated sizes (a bomb may declare small ones).
 * 'too-large' or 'unreadable' (a damaged archive); 'ok' otherwise, including for archives this
 * simple reader does not understand, which the XLSX reader then refuses itself.
 */
export async function checkZipInflation(bytes: Buffer, limit = XLSX_MAX_INFLATED_BYTES): Promise<'ok' | 'too-large' | 'unreadable'> {
  try {
    let eocd = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1) {
      if (bytes.readUInt32LE(at) === EOCD) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) return 'unreadable';
    const entries = bytes.readUInt16LE(eocd + 10);
    let at = bytes.readUInt32LE(eocd + 16);
    if (at === 0xffffffff) return 'too-large'; // ZIP64: no workbook we accept needs it
    const compressed: { method: number; size: number; local: number }[] = [];
    let declared = 0;
    for (let index = 0; index < entries; index += 1) {
      if (bytes.readUInt32LE(at) !== CENTRAL) return 'unreadable';
      const method = bytes.readUInt16LE(at + 10);
      const size = bytes.readUInt32LE(at + 20);
      declared += bytes.readUInt32LE(at + 24);
      if (declared > limit) return 'too-large';
      compressed.push({ method, size, local: bytes.readUInt32LE(at + 42) });
      at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
    let actual = 0;
    for (const entry of compressed) {
      if (bytes.readUInt32LE(entry.local) !== LOCAL) return 'unreadable';
      const start = entry.local + 30 + bytes.readUInt16LE(entry.local + 26) + bytes.readUInt16LE(entry.local + 28);
      const data = bytes.subarray(start, start + entry.size);
      if (entry.method === 0) actual += data.length;
      else if (entry.method === 8) {
        const size = await inflatedSize(data, limit - actual);
        if (size < 0) return 'unreadable';
        actual += size;
      } else return 'unreadable';
      if (actual > limit) return 'too-large';
    }
    return 'ok';
  } catch {
    return 'unreadable'; // offsets outside the file
  }
}
