import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parseEnvironmentConfig } from '../../core/settings.js';
import type { EnvironmentConfig } from '../../core/settings.js';
import { diskFullError, nodeFs } from './fs.js';
import type { TwinFs } from './fs.js';

/** Test helpers of the local twin (imported by its tests only). */

const created: string[] = [];

/** A fresh temporary directory, deleted by `removeTempDirs` (register it with `afterAll` in each test file). */
export function tempDir(prefix = 'sensorlake-twin-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Deletes every directory `tempDir` created in this test file's process. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The default environment settings, without reading Pulumi.<env>.yaml. */
export const DEFAULT_CONFIG: EnvironmentConfig = parseEnvironmentConfig(() => undefined);

/** A logger that drops everything. */
export const silentLogger = pino({ level: 'silent' });

/** Polls `check` until it returns true; rejects naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A sensorlake payload for device `deviceId` with sequence number `seq`, stamped now unless `overrides.ts` says
 * otherwise. Now is for tests through a running twin, which stamps the ingest time with its own clock; tests that
 * expect dates (dt= partitions) pass a fixed `ts` and a matching ingest time.
 */
export function reading(deviceId: string, seq: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    device_id: deviceId,
    room_id: 'room-1',
    ts: new Date().toISOString(),
    seq,
    temperature: 21.5,
    humidity: 40,
    pressure: 1013,
    ...overrides,
  });
}

/** A disk of limited space for tests: `free` bytes may still be written; set it again to "return space". */
export interface LimitedDisk extends TwinFs {
  free: number;
}

/**
 * The real file system with only `free` bytes of space left: a write beyond it writes what fits (a short write, as
 * the kernel does) and the next one throws ENOSPC. Whole-file writes either fit or throw before writing.
 */
export function limitedDisk(free: number, base: TwinFs = nodeFs): LimitedDisk {
  const disk: LimitedDisk = {
    ...base,
    free,
    writeSync(fd, buffer, offset, length) {
      if (disk.free <= 0) throw diskFullError('write');
      const n = base.writeSync(fd, buffer, offset, Math.min(length, disk.free));
      disk.free -= n;
      return n;
    },
    writeFileSync(file, data) {
      const bytes = Buffer.byteLength(data);
      if (bytes > disk.free) throw diskFullError('write', file);
      base.writeFileSync(file, data);
      disk.free -= bytes;
    },
    async writeFile(file, data, sync) {
      if (data.length > disk.free) throw diskFullError('write', file);
      await base.writeFile(file, data, sync);
      disk.free -= data.length;
    },
  };
  return disk;
}
