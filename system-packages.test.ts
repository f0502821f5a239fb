import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertSystemTools, missingTools, missingToolsMessage, SYSTEM_TOOLS } from './system-packages.js';
import type { SystemTool } from './system-packages.js';

const mosquitto: SystemTool = { binary: 'mosquitto', debianPackage: 'mosquitto', paths: ['/usr/sbin/mosquitto'] };
const psql: SystemTool = { binary: 'initdb', debianPackage: 'postgresql', paths: [] };

describe('system-test preflight', () => {
  it.each([
    { name: 'nothing installed', files: [], missing: ['mosquitto', 'initdb'] },
    { name: 'mosquitto at its Debian path', files: ['/usr/sbin/mosquitto'], missing: ['initdb'] },
    { name: 'both on PATH', files: ['/opt/bin/mosquitto', '/usr/local/bin/initdb'], missing: [] },
  ])('GIVEN $name THEN the missing binaries are $missing', ({ files, missing }) => {
    const found = missingTools([mosquitto, psql], ['/opt/bin', '/usr/local/bin'].join(':'), (f) => files.includes(f));
    expect(found.map((t) => t.binary)).toStrictEqual(missing);
  });

  it('GIVEN a missing binary THEN the message names it, its Debian package and the install command', () => {
    const message = missingToolsMessage([mosquitto, psql]);
    expect(message).toContain('mosquitto (Debian package mosquitto), initdb (Debian package postgresql)');
    expect(message).toContain('apt-get install -y mosquitto postgresql');
  });

  it('GIVEN a missing binary THEN the preflight throws naming its package; GIVEN every binary THEN it passes', () => {
    expect(() => assertSystemTools(SYSTEM_TOOLS, '/nowhere', () => false)).toThrow('mosquitto (Debian package mosquitto)');
    const debianPaths = SYSTEM_TOOLS.flatMap((t) => t.paths);
    expect(() => assertSystemTools(SYSTEM_TOOLS, '/nowhere', (f) => f === '/usr/sbin/mosquitto')).toThrow(
      'initdb (Debian package postgresql), pg_ctl (Debian package postgresql), sqlglot (Python module) (Debian package python3-sqlglot)',
    );
    expect(() => assertSystemTools(SYSTEM_TOOLS, '/nowhere', (f) => debianPaths.includes(f))).not.toThrow();
  });

  it('GIVEN .ci/run THEN it installs exactly the Debian packages of the preflight', () => {
    const script = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '.ci', 'run'), 'utf8');
    const listed = /^DEBIAN_PACKAGES=\(([^)]*)\)$/m.exec(script)?.[1]?.trim().split(/\s+/);
    expect(new Set(listed)).toStrictEqual(new Set(SYSTEM_TOOLS.map((t) => t.debianPackage)));
  });
});
