import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode, kitOption, newProgram, parseArgv } from '../../core/cli/index.js';
import type { Io } from '../../core/cli/index.js';
import { DEFAULT_FAULT_TOLERANCES } from '../faults.js';
import { DEFAULT_PLAN, DEFAULT_TOPIC_TEMPLATE } from '../fleet.js';
import { replayCsv, SUTHAHARAN_CSV } from '../replay.js';
import { runFleet } from '../run.js';
import { DEFAULT_TRANSPORT } from '../transport.js';
import type { AwsIdentitiesFlags, CommonFlags, Engine, ReplayFlags, RunFlags } from './action.js';
import { awsIdentities, execute, fleetOptionsOf, isUsageProblem, replayOptionsOf } from './action.js';
import * as parse from './parsers.js';

function addCommon(command: Command): Command {
  return command
    .addOption(kitOption('--target <url>', 'MQTT broker: mqtt://host:port (TCP) or mqtts://host:port (TLS) (default mqtt://localhost:1883)', parse.brokerUrl))
    .addOption(kitOption('--aws-endpoint <host>', 'AWS IoT Core data endpoint (mutual TLS, one connection per device)', parse.hostName))
    .addOption(kitOption('--port <n>', 'port for --aws-endpoint (default 8883)', parse.integer(1, 65535)))
    .option('--cert-dir <dir>', 'directory with <deviceId>.cert.pem, <deviceId>.key.pem and ca.pem')
    .option('--ca <file>', 'CA certificate (PEM), e.g. AmazonRootCA1.pem; default <cert-dir>/ca.pem, or for --aws-endpoint the system trust store when that file is absent')
    .option('--cert <file>', 'one client certificate for every connection instead of per-device files')
    .option('--key <file>', 'private key of --cert')
    .addOption(kitOption('--mode <mode>', 'per-device connections or a few shared ones (plain brokers only)', parse.connectionMode, DEFAULT_TRANSPORT.mode))
    .addOption(kitOption('--connections <n>', 'connections in shared mode', parse.integer(1, 10_000), DEFAULT_TRANSPORT.sharedConnections))
    .addOption(kitOption('--qos <0|1>', 'MQTT QoS', parse.qos, DEFAULT_TRANSPORT.qos))
    .addOption(kitOption('--offline-queue <n>', 'messages held while disconnected; beyond it they are dropped and counted', parse.integer(0), DEFAULT_TRANSPORT.offlineQueueLimit))
    .addOption(kitOption('--max-in-flight <n>', 'publishes awaiting acknowledgement before the sender waits', parse.integer(1), DEFAULT_TRANSPORT.maxInFlight))
    .addOption(kitOption('--connect-attempts <n>', 'attempts per connection before giving up', parse.integer(1, 100), DEFAULT_TRANSPORT.connectAttempts))
    .addOption(kitOption('--topic <template>', `topic template with {deviceId} (default ${DEFAULT_TOPIC_TEMPLATE})`, parse.topicTemplate))
    .addOption(kitOption('--profile <name>', 'payload profile: sensorlake, room-reading, sense-hat', parse.profile, DEFAULT_PLAN.profile))
    .addOption(kitOption('--start-time <iso>', 'event time of the first reading (default: now)', parse.instant))
    .option('--report-json <file>', 'write the final report as JSON')
    .option('--no-progress', 'no progress bar (it is drawn only on a terminal anyway)');
}

/**
 * Builds the `sensors` program. Output goes to the given streams, errors set process.exitCode (the kit's ExitCode),
 * nothing calls process.exit, so tests can run it in-process.
 */
export function makeProgram(io: Io, engine: Engine = { runFleet, replayCsv }): Command {
  const program = newProgram('sensors', 'sensorlake fleet simulator: publish simulated or replayed telemetry over MQTT (aws-iot-device-sdk-v2)', io);

  addCommon(
    program
      .command('run', { isDefault: true })
      .description('simulate a fleet: daily cycles, noise, offsets, drift, anomalies and faults')
      .addOption(kitOption('--devices <n>', 'number of devices', parse.integer(1, 100_000), DEFAULT_PLAN.devices))
      .addOption(kitOption('--rooms <n>', 'number of rooms', parse.integer(1, 10_000), DEFAULT_PLAN.rooms))
      .addOption(kitOption('--rate <msg/s>', 'messages per second per device', parse.positiveNumber(10_000), DEFAULT_PLAN.ratePerDevice))
      .addOption(kitOption('--duration <s>', 'run length in seconds', parse.positiveNumber(), DEFAULT_PLAN.durationSeconds))
      .addOption(kitOption('--count <n>', 'total messages across the fleet (instead of --duration)', parse.integer(0)))
      .addOption(kitOption('--seed <n>', 'random seed: same seed and --start-time, same bytes', parse.integer(0, 0xffffffff), DEFAULT_PLAN.seed))
      .addOption(kitOption('--device-prefix <prefix>', 'device ids are <prefix>0001, <prefix>0002, ...', parse.idPrefix, DEFAULT_PLAN.deviceIdPrefix))
      .addOption(
        new Option('--device-ids <file>', 'explicit device ids (e.g. the AWS thing names in devices.json): a JSON array or one id per line; sets the device count').conflicts([
          'devices',
          'devicePrefix',
        ]),
      )
      .addOption(kitOption('--anomaly-rate <p>', 'probability per reading that an anomaly starts', parse.probability, DEFAULT_PLAN.anomalyRate))
      .addOption(kitOption('--anomalies <kinds>', 'anomaly kinds: spike,step,drift,stuck or all', parse.anomalyKinds))
      .option('--labels <file>', 'ground-truth anomaly labels (.csv or .json)')
      .addOption(kitOption('--fault-rate <p>', 'probability per message of a fault', parse.probability, DEFAULT_PLAN.faultRate))
      .addOption(kitOption('--faults <kinds>', 'fault kinds (comma-separated) or all', parse.faultKinds))
      .addOption(kitOption('--max-clock-skew <s>', "the processor's clock-skew tolerance that clock-skew faults exceed", parse.integer(0, 86_400), DEFAULT_FAULT_TOLERANCES.maxClockSkewSeconds))
      .addOption(kitOption('--max-lateness <h>', "the processor's lateness limit that late faults exceed", parse.integer(1, 8_760), DEFAULT_FAULT_TOLERANCES.maxLatenessHours))
      .option('--max-speed', 'publish as fast as possible instead of at --rate', false),
  ).action(async (flags: RunFlags) => {
    await guarded(io, flags, () => fleetOptionsOf(flags), (options, hooks) => engine.runFleet(options, hooks));
  });

  addCommon(
    program
      .command('replay')
      .description(`replay a CSV file (default ${SUTHAHARAN_CSV}, motes as devices)`)
      .argument('[file]', 'CSV file with a header row')
      .addOption(kitOption('--speed <factor>', "speed factor (1 = the file's pace) or max", parse.speed, Infinity))
      .addOption(kitOption('--device-prefix <prefix>', 'prefix of device ids made from the device column', parse.idPrefix))
      .option('--device-column <name>', 'column identifying the device')
      .option('--seq-column <name>', 'column holding the sequence number')
      .option('--time-column <name>', 'column holding the event time')
      .addOption(kitOption('--time-kind <kind>', 'index (× --interval), iso, epoch-seconds or epoch-ms', parse.timeKind))
      .addOption(kitOption('--interval <s>', 'seconds per step of an index time column', parse.positiveNumber()))
      .option('--room-column <name>', 'column holding the room')
      .addOption(kitOption('--room-map <pairs>', 'translate room values, e.g. 1=indoor,0=outdoor', parse.roomMap))
      .option('--room <id>', 'one room for every row')
      .addOption(kitOption('--field <quantity=column>', 'map a column to temperature, humidity or pressure (repeatable)', parse.fieldColumn))
      .addOption(kitOption('--constant <quantity=number>', 'a constant for a quantity the file lacks (repeatable)', parse.fieldConstant)),
  ).action(async (file: string | undefined, flags: ReplayFlags) => {
    await guarded(io, flags, () => replayOptionsOf(file, flags), (options, hooks) => engine.replayCsv(options, hooks));
  });

  program
    .command('aws-identities')
    .description('write the ingestion stack\'s device certificates and keys (pulumi stack output) for `run --aws-endpoint`')
    .addOption(kitOption('--stack <name>', 'ingestion stack, e.g. ingestion-dev (runs pulumi stack output --json --show-secrets)', parse.stackName))
    .option('--from-file <file>', 'a saved `pulumi stack output --json --show-secrets` document instead of running pulumi')
    .option('--out <dir>', 'identity directory (default .sensorlake/aws/<env>, git-ignored)')
    .option('--ca <file>', 'root CA to copy in as ca.pem, e.g. AmazonRootCA1.pem (default: the system trust store at run time)')
    .action(async (flags: AwsIdentitiesFlags) => {
      await awsIdentities(io, flags, engine.stackOutput?.bind(engine));
    });

  return program;
}

async function guarded<O>(
  io: Io,
  flags: CommonFlags,
  build: () => O,
  run: (options: O, hooks: Parameters<Engine['runFleet']>[1]) => ReturnType<Engine['runFleet']>,
): Promise<void> {
  let options: O;
  try {
    options = build();
  } catch (error) {
    if (!isUsageProblem(error)) throw error;
    io.stderr.write(`error: ${error.message}\n`);
    process.exitCode = ExitCode.Usage;
    return;
  }
  await execute(io, flags, (hooks) => run(options, hooks));
}

/** Parses argv (without node and script) and runs; commander's usage errors become ExitCode.Usage. */
export async function main(argv: readonly string[], io: Io, engine?: Engine): Promise<void> {
  const code = await parseArgv(makeProgram(io, engine), argv);
  if (code !== undefined) process.exitCode = code;
}
