import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../core/errors.js';
import { BOOKMARK_FILE, JobBookmarks } from './bookmarks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDirWith(content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookmarks-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, BOOKMARK_FILE), content);
  return dir;
}

describe('JobBookmarks.open', () => {
  it('GIVEN a valid file THEN the committed key is read back', () => {
    const dir = dataDirWith(JSON.stringify({ 'import-db': { source: { lastKey: '42' } } }));
    expect(JobBookmarks.open(dir, 'import-db').lastKey('source')).toBe('42');
  });

  it.each([
    ['truncated JSON', '{"import-db": {"source": {"lastKey": "4', 'content'],
    ['objects as a list', JSON.stringify({ curate: { raw: { objects: [] } } }), 'curate.raw.objects'],
    ['a key that is not an integer', JSON.stringify({ 'import-db': { source: { lastKey: 'abc' } } }), 'import-db.source.lastKey'],
    ['an unknown field', JSON.stringify({ curate: { raw: { offset: 3 } } }), 'curate.raw'],
  ])('GIVEN %s THEN InvalidValueError names the file and the field, nothing is re-read silently', (_title, content, key) => {
    const dir = dataDirWith(content);
    const error = (() => {
      try {
        JobBookmarks.open(dir, 'curate');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidValueError);
    expect((error as InvalidValueError).key).toBe(key);
    expect((error as Error).message).toContain(path.join(dir, BOOKMARK_FILE));
  });
});
