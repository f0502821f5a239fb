import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';

/**
 * The file writes of the twin's durable path (the write-ahead log and the delivered objects), behind one small
 * interface so that tests can make the disk fill up (an Error with code ENOSPC) without root or a real full disk.
 * Reads are not part of it: a full disk does not stop them.
 */
export interface TwinFs {
  openSync(file: string, flags: string): number;
  /** Writes `length` bytes of `buffer` from `offset`; returns how many were written (a short write is possible). */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number;
  ftruncateSync(fd: number, length: number): void;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  writeFileSync(file: string, data: string): void;
  renameSync(from: string, to: string): void;
  mkdir(dir: string): Promise<void>;
  /** Writes a whole file (fsynced before it resolves when `sync`). */
  writeFile(file: string, data: Buffer, sync: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

/** The real file system. */
export const nodeFs: TwinFs = {
  openSync: (file, flags) => openSync(file, flags),
  writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  ftruncateSync: (fd, length) => ftruncateSync(fd, length),
  fsyncSync: (fd) => fsyncSync(fd),
  closeSync: (fd) => closeSync(fd),
  writeFileSync: (file, data) => writeFileSync(file, data),
  renameSync: (from, to) => renameSync(from, to),
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  writeFile: async (file, data, sync) => {
    if (!sync) return writeFile(file, data);
    const handle = await open(file, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
};

export { isDiskFull } from '../../core/errors.js';

/** The error a full disk raises, as Node reports it. */
export function diskFullError(syscall: string, file?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}${file ? ` '${file}'` : ''}`), { code: 'ENOSPC', errno: -28, syscall });
}
