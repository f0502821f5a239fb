import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeviceIds, parseDeviceIds, readDeviceIdsFile } from './device-ids.js';
import { DeviceIdsError } from './errors.js';

const THING = 'ingestion-fleet-sensor-0001-1374b9e';

describe('parseDeviceIds accepts', () => {
  it.each([
    ['a JSON array', `["${THING}", "b:2", "c_3"]\n`, [THING, 'b:2', 'c_3']],
    ['a pretty JSON array with a BOM', `\uFEFF[\n  "${THING}",\n  "x"\n]\n`, [THING, 'x']],
    ['one id per line', `${THING}\nb:2\nc_3\n`, [THING, 'b:2', 'c_3']],
    ['CRLF lines, blank lines and surrounding spaces', `  ${THING}  \r\n\r\nb:2\r\n`, [THING, 'b:2']],
    ['an id of 128 characters', `${'a'.repeat(128)}\n`, ['a'.repeat(128)]],
  ])('%s', (_, text, ids) => {
    expect(parseDeviceIds(text, 'ids.txt')).toStrictEqual(ids);
  });
});

describe('parseDeviceIds rejects, naming the file, the position and the value', () => {
  it.each([
    ['an empty file', '', 'ids.txt: holds no device ids: expected at least one'],
    ['blank lines only', '\n  \n', 'ids.txt: holds no device ids'],
    ['an empty JSON array', '[]', 'ids.txt: holds no device ids'],
    ['a space inside an id', `${THING}\nroom 1 sensor\n`, 'ids.txt: line 2: "room 1 sensor" is not a valid device id: expected a thing name of 1 to 128 characters from [a-zA-Z0-9:_-]'],
    ['a dot (allowed in prefixes, not in thing names)', 'sensor.1\n', 'ids.txt: line 1: "sensor.1" is not a valid device id'],
    ['an MQTT wildcard', 'sensor-#\n', 'ids.txt: line 1: "sensor-#" is not a valid device id'],
    ['a slash (a topic level separator)', 'a/b\n', 'ids.txt: line 1: "a/b" is not a valid device id'],
    ['an id of 129 characters', `${'a'.repeat(129)}\n`, `ids.txt: line 1: "${'a'.repeat(129)}" is not a valid device id`],
    ['a duplicate line', `${THING}\nb\n\n${THING}\n`, `ids.txt: line 4: "${THING}" is a duplicate (first at line 1)`],
    ['a duplicate JSON item', '["a","b","a"]', 'ids.txt: item 3: "a" is a duplicate (first at item 1)'],
    ['a JSON number', '["a", 7]', 'ids.txt: item 2: 7 is not a valid device id'],
    ['an empty JSON string', '["a", ""]', 'ids.txt: item 2: "" is not a valid device id'],
    ['broken JSON', '["a", ', 'ids.txt: is not valid JSON'],
    ['a JSON object (e.g. the whole stack output)', '{"thingNames": ["a"]}', 'ids.txt: is not a JSON array of ids'],
  ])('%s', (_, text, message) => {
    let error: unknown;
    try {
      parseDeviceIds(text, 'ids.txt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeviceIdsError);
    expect((error as Error).message).toContain(message);
    expect((error as DeviceIdsError).source).toBe('ids.txt');
  });

  it('JSON with trailing text', () => {
    expect(() => parseDeviceIds('[1] trailing', 'ids.json')).toThrow('ids.json: is not valid JSON');
  });
});

describe('readDeviceIdsFile and checkDeviceIds', () => {
  it('reads a file and names it in errors, including when it cannot be read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'device-ids-'));
    const good = path.join(dir, 'devices.json');
    writeFileSync(good, JSON.stringify([THING, 'b']));
    expect(readDeviceIdsFile(good)).toStrictEqual([THING, 'b']);
    const bad = path.join(dir, 'bad.txt');
    writeFileSync(bad, 'ok\nnot ok\n');
    expect(() => readDeviceIdsFile(bad)).toThrow(`${bad}: line 2: "not ok" is not a valid device id`);
    expect(() => readDeviceIdsFile(path.join(dir, 'missing.json'))).toThrow(`${path.join(dir, 'missing.json')}: cannot be read (ENOENT)`);
  });

  it('checks a library list with the same rules', () => {
    expect(checkDeviceIds(['a', 'b'])).toStrictEqual(['a', 'b']);
    expect(() => checkDeviceIds(['a', 'a'])).toThrow('deviceIds: item 2: "a" is a duplicate (first at item 1)');
    expect(() => checkDeviceIds([])).toThrow('deviceIds: holds no device ids');
  });
});
