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
    expect(() => assertSystemTools(SYSTEM_TOOLS, '/nowhere', (f) => f === '/usr/sbin/mosquitto')).not.toThrow();
  });
});
