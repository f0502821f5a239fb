import { describe, expect, it } from 'vitest';
import { DEVICE_ID_EXPECTED, ROOM_ID_EXPECTED } from '../../core/ids.js';
import { describeParsers } from '../../core/cli/testing.js';
import * as parse from './parsers.js';

describeParsers([
  { name: 'speed', parser: parse.speed, good: [['max', Infinity], ['2', 2]], bad: ['0', 'fast'], expected: 'a number above 0' },
  { name: 'instant', parser: parse.instant, good: [['2026-11-22T10:00:00Z', new Date('2026-11-22T10:00:00Z')]], bad: ['2026-11-22T10:00:00', 'noon'], expected: 'an ISO 8601 time with a zone, e.g. 2026-11-22T10:00:00Z' },
  { name: 'profile', parser: parse.profile, good: [['sense-hat', 'sense-hat']], bad: ['sensehat'], expected: 'one of sensorlake, room-reading, sense-hat' },
  { name: 'qos', parser: parse.qos, good: [['0', 0], ['1', 1]], bad: ['2', ''], expected: '0 or 1' },
  { name: 'hostName', parser: parse.hostName, good: [['a-ats.iot.eu-west-1.amazonaws.com', 'a-ats.iot.eu-west-1.amazonaws.com']], bad: ['-a', 'a b'], expected: 'a host name such as abc123-ats.iot.eu-west-1.amazonaws.com' },
  { name: 'idPrefix', parser: parse.idPrefix, good: [['', ''], ['sensor-', 'sensor-']], bad: ['bad prefix'], expected: `a prefix of ${DEVICE_ID_EXPECTED}` },
  { name: 'stackName', parser: parse.stackName, good: [['ingestion-dev', 'ingestion-dev'], ['o/p/ingestion-dev', 'o/p/ingestion-dev']], bad: ['ingestion dev', 'a/b/c/d'], expected: 'a stack name such as ingestion-dev or my-org/sensorlake/ingestion-dev' },
  { name: 'topicTemplate', parser: parse.topicTemplate, good: [['t/{deviceId}', 't/{deviceId}']], bad: ['t/x', 't/+/{deviceId}', '$aws/{deviceId}'], expected: 'a topic containing {deviceId}, without wildcards or a leading $' },
  { name: 'roomMap', parser: parse.roomMap, good: [['1=indoor,0=outdoor', { 1: 'indoor', 0: 'outdoor' }]], bad: ['1', '1=in door'], expected: `value=room pairs separated by commas, e.g. 1=indoor,0=outdoor, each room ${ROOM_ID_EXPECTED}` },
  { name: 'fieldColumn', parser: parse.fieldColumn, good: [['temperature=t', { temperature: 't' }]], bad: ['colour=c', 't'], expected: 'quantity=column with quantity one of temperature, humidity, pressure' },
  { name: 'fieldConstant', parser: parse.fieldConstant, good: [['pressure=1013', { pressure: 1013 }]], bad: ['pressure=high', 'colour=1'], expected: 'quantity=number with quantity one of temperature, humidity, pressure' },
]);

describe('repeatable field options', () => {
  it('GIVEN earlier occurrences THEN a later one adds to them', () => {
    expect(parse.fieldColumn('humidity=h', '--field', { temperature: 't' })).toStrictEqual({ temperature: 't', humidity: 'h' });
    expect(parse.fieldConstant('humidity=40', '--constant', { pressure: 1013 })).toStrictEqual({ pressure: 1013, humidity: 40 });
  });
});
