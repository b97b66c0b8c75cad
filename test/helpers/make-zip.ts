import * as zlib from 'node:zlib';

/** A minimal zip (no CRCs: the guard does not read them) with deflated entries and optionally lying declared sizes. */
export function makeZip(entries: { name: string; content?: Buffer; deflated?: { data: Buffer; size: number }; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = entry.deflated?.data ?? zlib.deflateRawSync(entry.content!);
    const size = entry.declaredSize ?? entry.deflated?.size ?? entry.content!.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}


/** `times` copies of `chunk`, raw-deflated as a stream (never held inflated): the body of a zip bomb. */
export async function deflateRepeated(chunk: Buffer, times: number): Promise<{ data: Buffer; size: number }> {
  // Run-length strategy: fast on the repetitive bodies of zip bombs (a second for 300 MiB of one byte).
  const deflate = zlib.createDeflateRaw({ level: 9, strategy: zlib.constants.Z_RLE });
  const out: Buffer[] = [];
  deflate.on('data', (data: Buffer) => out.push(data));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('end', () => resolve());
    deflate.on('error', reject);
  });
  for (let i = 0; i < times; i += 1) if (!deflate.write(chunk)) await new Promise<void>((resolve) => deflate.once('drain', () => resolve()));
  deflate.end();
  await ended;
  return { data: Buffer.concat(out), size: chunk.length * times };
}
