import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parseEnvironmentConfig } from '../../core/settings.js';
import type { EnvironmentConfig } from '../../core/settings.js';

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
