import { existsSync } from 'node:fs';
import path from 'node:path';

/** An external engine the system tests run, and the Debian package that provides it. */
export interface SystemTool {
  readonly binary: string;
  readonly debianPackage: string;
  /** Where the package installs it when that is not on every user's PATH (e.g. /usr/sbin). */
  readonly paths: readonly string[];
}

/**
 * What `npm run test:system` needs beyond Node and npm; `.ci/run` installs these packages. A tool added here goes
 * to DEBIAN_PACKAGES in .ci/run too. A Python module counts as found by its Debian path: only
 * Debian's /usr/bin/python3 imports it.
 */
export const SYSTEM_TOOLS: readonly SystemTool[] = [
  { binary: 'mosquitto', debianPackage: 'mosquitto', paths: ['/usr/sbin/mosquitto'] },
  // Debian keeps the server binaries off PATH, under the major version's directory.
  { binary: 'initdb', debianPackage: 'postgresql', paths: ['/usr/lib/postgresql/15/bin/initdb'] },
  { binary: 'pg_ctl', debianPackage: 'postgresql', paths: ['/usr/lib/postgresql/15/bin/pg_ctl'] },
  { binary: 'sqlglot (Python module)', debianPackage: 'python3-sqlglot', paths: ['/usr/lib/python3/dist-packages/sqlglot/__init__.py'] },
  // The dashboard's browser test drives Debian's Chromium with playwright-core (never a downloaded browser).
  { binary: 'chromium', debianPackage: 'chromium', paths: ['/usr/bin/chromium'] },
];

/** The tools found neither at their known paths nor in a directory of `searchPath` (a PATH value). */
export function missingTools(tools: readonly SystemTool[], searchPath: string, exists: (file: string) => boolean = existsSync): SystemTool[] {
  const dirs = searchPath.split(path.delimiter).filter((d) => d !== '');
  return tools.filter((t) => ![...t.paths, ...dirs.map((d) => path.join(d, t.binary))].some(exists));
}

/** The message that stops the system tests, naming each missing binary and the command that installs it. */
export function missingToolsMessage(missing: readonly SystemTool[]): string {
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  return (
    `npm run test:system needs ${missing.map((t) => `${t.binary} (Debian package ${t.debianPackage})`).join(', ')}, not found on this machine.\n` +
    `Install: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}   (.ci/run does this)`
  );
}

/** Throws, naming each missing binary and its package, unless every tool is found. */
export function assertSystemTools(tools: readonly SystemTool[], searchPath: string, exists: (file: string) => boolean = existsSync): void {
  const missing = missingTools(tools, searchPath, exists);
  if (missing.length > 0) throw new Error(missingToolsMessage(missing));
}

/** Vitest global setup of the system tier: fails the run at once, before any test, when a tool is missing. */
export default function checkSystemTools(): void {
  assertSystemTools(SYSTEM_TOOLS, process.env.PATH ?? '');
}
