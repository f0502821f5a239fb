/**
 * Identifier rules, stated once. A device id is an AWS IoT thing name, and it is also the device's MQTT client id
 * and a level of its telemetry topic, so every runtime (the processor, the twin's PKI and broker, the simulator)
 * checks ids with these and nothing else.
 */

/** AWS IoT's limit on a thing name (and on an MQTT client id). */
export const MAX_DEVICE_ID_LENGTH = 128;

/** Characters AWS IoT allows in a thing name. */
export const DEVICE_ID_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;

/** What a valid device id looks like, for error messages. */
export const DEVICE_ID_EXPECTED = `a thing name of 1 to ${MAX_DEVICE_ID_LENGTH} characters from [a-zA-Z0-9:_-]`;

/** True when `value` is a valid device id. */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

/** A room id is free text to AWS; sensorlake keeps it to a safe charset (it becomes an S3 partition value). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** What a valid room id looks like, for error messages. */
export const ROOM_ID_EXPECTED = 'a room id of 1 to 128 characters from [A-Za-z0-9_.:-]';

/** True when `value` is a valid room id. */
export function isRoomId(value: unknown): value is string {
  return typeof value === 'string' && ROOM_ID_PATTERN.test(value);
}
