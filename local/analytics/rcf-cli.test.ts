import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { parseCsv } from '../../core/csv.js';
import { sineSeries } from '../../core/analytics/rcf/testing.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { main } from './rcf-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-rcf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV of two rooms, 1,200 rows each, a spike labelled in each (at rows 1000 and 1100 of the room). */
function writeSeries(): string {
  const lines = ['ts,room,temperature,label'];
  const a = sineSeries(1200, 1);
  const b = sineSeries(1200, 2);
  a[1000] = a[1000]! + 8;
  b[1100] = b[1100]! - 8;
  for (let i = 0; i < 1200; i++) {
    const ts = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    lines.push(`${ts},a,${a[i]},${i === 1000 ? 1 : 0}`, `${ts},b,${b[i]},${i === 1100 ? 1 : 0}`);
  }
  const file = path.join(dir, 'series.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function run(...argv: string[]) {
  const cap = captureIo();
  const code = await main(argv, cap.io);
  return { code, out: cap.out(), err: cap.err() };
}

const FAST = ['--samples', '128', '--no-progress'];

describe('npm run rcf', () => {
  const input = writeSeries();
  const model = path.join(dir, 'model.json');

  it('GIVEN a series of two rooms WHEN trained THEN one model per room is written with its threshold', async () => {
    const r = await run('train', '--input', input, '--column', 'temperature', '--group-column', 'room', '--time-column', 'ts', '--model', model, ...FAST);
    expect(r.err).toBe('');
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toMatch(/^group a: 1200 rows, 1197 scored, 1165 warm, \d+ flagged; threshold/m);
    expect(r.out).toContain('(2 models)');
    const file = JSON.parse(readFileSync(model, 'utf8'));
    expect(Object.keys(file.models)).toStrictEqual(['a', 'b']);
    expect(file.features).toStrictEqual(['temperature']);
  });

  it('GIVEN the model WHEN scoring with labels THEN every input column and row kept, scores added, precision, recall and F1 printed', async () => {
    const output = path.join(dir, 'scores.csv');
    const r = await run('score', '--input', input, '--column', 'temperature', '--group-column', 'room', '--model', model, '--label-column', 'label', '--output', output, ...FAST);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('mode: scored by the models of');
    expect(r.out).toMatch(/point-wise against label: precision [\d.]+, recall 1\.000, F1 [\d.]+ \(flagged \d+, labelled 2, true positives 2/);
    const rows = parseCsv(readFileSync(output, 'utf8'));
    expect(rows[0]!.fields).toStrictEqual(['ts', 'room', 'temperature', 'label', 'rcf_score', 'rcf_warm', 'rcf_flag']);
    expect(rows).toHaveLength(2401);
    // The first three rows of each room have no full shingle: no score, not warm, not flagged.
    expect(rows[1]!.fields.slice(4)).toStrictEqual(['', '0', '0']);
    const spike = rows.find((row) => row.fields[1] === 'a' && row.fields[3] === '1')!;
    expect(spike.fields.slice(5)).toStrictEqual(['1', '1']);
  });

  it('GIVEN no model and --output - WHEN scoring THEN one streaming train-and-score pass, the CSV on stdout and the summary on stderr', async () => {
    const r = await run('score', '--input', input, '--column', 'temperature', '--group-column', 'room', '--label-column', 'label', '--output', '-', ...FAST);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.err).toContain('mode: train and score, streaming');
    expect(r.err).toContain('point-wise against label: precision');
    expect(parseCsv(r.out)).toHaveLength(2401);
  });

  it('GIVEN the shared dataset THEN precision, recall and F1 against its labels', async () => {
    const r = await run('score', '--input', path.join(PROJECT_ROOT, 'data/suthaharan-single-hop/data.csv'), '--column', 'temperature', '--group-column', 'mote_id', '--label-column', 'label', '--no-progress');
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toMatch(/point-wise against label: precision [\d.]+, recall [\d.]+, F1 [\d.]+ \(flagged \d+, labelled 149, .* rows 18914\)/);
  });

  describe.each([
    { name: 'a missing column', args: ['--column', 'temp'], message: 'option --column has invalid value "temp": expected a column of', also: 'one of ts, room, temperature, label' },
    { name: 'a missing group column', args: ['--column', 'temperature', '--group-column', 'site'], message: 'option --group-column has invalid value "site"', also: 'one of ts, room' },
    { name: 'a label column that is not 1/0', args: ['--column', 'temperature', '--label-column', 'room'], message: 'row 1 (line 2): label column room has invalid value "a": expected 1 or 0', also: 'usage: npm run rcf' },
    { name: 'trees below SageMaker\'s 50', args: ['--column', 'temperature', '--trees', '10'], message: "option '--trees <n>' argument '10' is invalid", also: 'expected an integer from 50 to 1000' },
  ])('GIVEN $name', ({ args, message, also }) => {
    it('THEN usage exit code and a message naming it', async () => {
      const r = await run('score', '--input', input, ...args, ...FAST);
      expect(r.code).toBe(ExitCode.Usage);
      expect(r.err).toContain(message);
      expect(r.err).toContain(also);
    });
  });

  describe.each([
    { name: 'a non-numeric value', file: 'bad.csv', text: 'ts,temperature\n1,20.1\n2,hot\n', args: [], message: 'bad.csv row 2 (line 3): column temperature has invalid value "hot": expected a number' },
    {
      name: 'times that go back', file: 'unsorted.csv', text: 'ts,temperature\n2026-01-01T00:00:02Z,20.1\n2026-01-01T00:00:01Z,20.2\n', args: ['--time-column', 'ts'],
      message: 'row 2 (line 3): column ts has invalid value "2026-01-01T00:00:01Z": expected times that do not go back',
    },
  ])('GIVEN $name', ({ file, text, args, message }) => {
    it('THEN refused naming the row and the value', async () => {
      const bad = path.join(dir, file);
      writeFileSync(bad, text);
      const r = await run('train', '--input', bad, '--column', 'temperature', ...args, ...FAST);
      expect(r.code).toBe(ExitCode.Usage);
      expect(r.err).toContain(message);
    });
  });

  it('GIVEN a series too short to warm up THEN a failure naming the group', async () => {
    const short = path.join(dir, 'short.csv');
    writeFileSync(short, 'temperature\n20\n21\n22\n23\n24\n');
    const r = await run('train', '--input', short, '--column', 'temperature', ...FAST);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.err).toContain('series (5 rows): no warm training score among 5 rows');
  });

  it('GIVEN a model without the group being scored THEN refused naming the groups it has', async () => {
    const other = path.join(dir, 'other.csv');
    writeFileSync(other, `room,temperature\n${Array.from({ length: 10 }, (_, i) => `c,${20 + i / 10}`).join('\n')}\n`);
    const r = await run('score', '--input', other, '--column', 'temperature', '--group-column', 'room', '--model', model, ...FAST);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err).toContain('expected a model for group "c" (it has "a", "b")');
  });

  it('GIVEN a model trained on another column THEN refused', async () => {
    const r = await run('score', '--input', input, '--column', 'label', '--group-column', 'room', '--model', model, ...FAST);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err).toContain('expected the column(s) the model was trained on: temperature');
  });
});
