/**
 * The ZIP central directory, read before anything is extracted: it is the only place that holds each entry's
 * external attributes (symlinks) and the sizes an archive written with data descriptors leaves out of its local
 * headers. Only the fixed-size records of APPNOTE.txt 4.3.12 and 4.3.16 are read; ZIP64 and multi-disk archives
 * are refused (the limits are far below 4 GiB, so a legitimate drop never needs them).
 */

/** Why an archive's structure cannot be read. */
export type ZipStructureProblem = 'not-a-zip' | 'corrupt' | 'zip64-unsupported' | 'too-many-entries';

/** A structure problem, with what was found. */
export class ZipStructureError extends Error {
  override name = 'ZipStructureError';

  constructor(
    readonly problem: ZipStructureProblem,
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

/** One entry of the central directory. */
export interface ZipEntry {
  /** Name as fflate decodes it (UTF-8 when flag bit 11 is set, else one character per byte). */
  readonly name: string;
  readonly flags: number;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Offset of the entry's local header: the order the entries appear in the stream. */
  readonly localOffset: number;
  /** A Unix symbolic link (host 3 and S_IFLNK in the high 16 bits of the external attributes). */
  readonly symlink: boolean;
  /** A directory (name ending with `/`, or the MS-DOS directory attribute). */
  readonly directory: boolean;
}

/** The end-of-central-directory record: where the directory is and how many entries it has. */
export interface ZipDirectoryLocation {
  readonly entries: number;
  readonly offset: number;
  readonly size: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
/** The archive comment is at most 65535 bytes, so the record is within this many bytes of the end. */
export const EOCD_SEARCH_BYTES = EOCD_SIZE + 0xffff;
const UNIX_HOST = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Finds the end-of-central-directory record in the archive's tail (`tail` ends at byte `size` of the archive). */
export function locateDirectory(tail: Uint8Array, size: number, maxEntries: number): ZipDirectoryLocation {
  const v = view(tail);
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (v.getUint32(i, true) !== EOCD_SIGNATURE) continue;
    const commentLength = v.getUint16(i + 20, true);
    if (i + EOCD_SIZE + commentLength !== tail.length) continue;
    if (i >= 20 && v.getUint32(i - 20, true) === ZIP64_LOCATOR_SIGNATURE) {
      throw new ZipStructureError('zip64-unsupported', 'the archive has a ZIP64 end-of-central-directory locator');
    }
    const disk = v.getUint16(i + 4, true);
    const directoryDisk = v.getUint16(i + 6, true);
    const onDisk = v.getUint16(i + 8, true);
    const entries = v.getUint16(i + 10, true);
    const directorySize = v.getUint32(i + 12, true);
    const offset = v.getUint32(i + 16, true);
    if (entries === 0xffff || directorySize === 0xffffffff || offset === 0xffffffff) {
      throw new ZipStructureError('zip64-unsupported', 'the end-of-central-directory record defers to ZIP64');
    }
    if (disk !== 0 || directoryDisk !== 0 || onDisk !== entries) {
      throw new ZipStructureError('corrupt', `a multi-disk archive (disk ${disk}, directory disk ${directoryDisk})`);
    }
    if (entries > maxEntries) {
      throw new ZipStructureError('too-many-entries', `${entries} entries, more than the limit of ${maxEntries}`);
    }
    const recordStart = size - tail.length + i;
    if (offset + directorySize > recordStart) {
      throw new ZipStructureError('corrupt', `the central directory (offset ${offset}, ${directorySize} bytes) overlaps its end record at ${recordStart}`);
    }
    return { entries, offset, size: directorySize };
  }
  throw new ZipStructureError('not-a-zip', 'no end-of-central-directory record in the last bytes of the object');
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let name = '';
  for (const byte of bytes) name += String.fromCharCode(byte);
  return name;
}

/** Parses the central directory's records (`bytes` is exactly the directory). */
export function parseDirectory(bytes: Uint8Array, location: ZipDirectoryLocation): ZipEntry[] {
  const v = view(bytes);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < location.entries; n++) {
    if (at + CENTRAL_SIZE > bytes.length || v.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ZipStructureError('corrupt', `central directory record ${n} is missing or damaged (at byte ${at})`);
    }
    const madeBy = v.getUint16(at + 4, true);
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const crc32 = v.getUint32(at + 16, true);
    const compressedSize = v.getUint32(at + 20, true);
    const uncompressedSize = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const external = v.getUint32(at + 38, true);
    const localOffset = v.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw new ZipStructureError('zip64-unsupported', `central directory record ${n} defers its sizes to ZIP64`);
    }
    const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new ZipStructureError('corrupt', `central directory record ${n} runs past the directory`);
    const name = decodeName(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength), (flags & 0x800) !== 0);
    const unixMode = external >>> 16;
    entries.push({
      name,
      flags,
      method,
      crc32,
      compressedSize,
      uncompressedSize,
      localOffset,
      symlink: madeBy >> 8 === UNIX_HOST && (unixMode & S_IFMT) === S_IFLNK,
      directory: name.endsWith('/') || (external & DOS_DIRECTORY) !== 0,
    });
    at = end;
  }
  return entries.sort((a, b) => a.localOffset - b.localOffset);
}
