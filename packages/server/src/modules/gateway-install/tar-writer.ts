// A minimal POSIX ustar writer: regular files only, streamed from disk, so a 150 MB bundle never sits in
// memory. GNU tar, BSD tar and BusyBox tar all read ustar. Hashes the archive and every member while
// writing it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export interface TarEntry {
  /** Member name (flat, ≤ 100 bytes of ASCII). */
  name: string;
  /** File to copy in, or inline content. */
  source: { path: string } | { content: string };
  mode: number;
  size: number;
  mtime: Date;
}

export interface TarResult {
  size: number;
  sha256: string;
  members: { name: string; size: number; sha256: string; mode: number }[];
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL terminator
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte ustar header of a regular file. */
export function ustarHeader(entry: Pick<TarEntry, 'name' | 'mode' | 'size' | 'mtime'>): Buffer {
  if (!/^[\x21-\x7e]{1,100}$/.test(entry.name)) throw new Error(`tar member name not supported: ${entry.name}`);
  if (entry.size >= 8 ** 11) throw new Error(`tar member too large: ${entry.name}`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(entry.name, 0, 100, 'ascii');
  h.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(entry.size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(entry.mtime.getTime() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder: eight spaces while summing
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** Writes `entries` as a tar archive to `file`. Throws when a file's size changed while reading it. */
export async function writeTar(file: string, entries: TarEntry[]): Promise<TarResult> {
  const archiveHash = createHash('sha256');
  let size = 0;
  const members: TarResult['members'] = [];
  const counted = (chunk: Buffer) => {
    archiveHash.update(chunk);
    size += chunk.length;
    return chunk;
  };
  async function* archive(): AsyncGenerator<Buffer> {
    for (const entry of entries) {
      yield counted(ustarHeader(entry));
      const memberHash = createHash('sha256');
      let written = 0;
      const chunks: AsyncIterable<Buffer> | Buffer[] =
        'content' in entry.source
          ? [Buffer.from(entry.source.content, 'utf8')]
          : createReadStream(entry.source.path, { highWaterMark: 1 << 20 });
      for await (const chunk of chunks) {
        memberHash.update(chunk);
        written += chunk.length;
        yield counted(chunk);
      }
      if (written !== entry.size) throw new Error(`${entry.name} changed while it was archived`);
      const pad = (BLOCK - (written % BLOCK)) % BLOCK;
      if (pad) yield counted(Buffer.alloc(pad, 0));
      members.push({ name: entry.name, size: written, sha256: memberHash.digest('hex'), mode: entry.mode });
    }
    yield counted(Buffer.alloc(BLOCK * 2, 0)); // end of archive
  }
  await pipeline(archive(), createWriteStream(file, { mode: 0o644 }));
  return { size, sha256: archiveHash.digest('hex'), members };
}
