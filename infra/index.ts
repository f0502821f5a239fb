import * as pulumi from '@pulumi/pulumi';
import { PROJECT } from '../core/settings.js';
import { runLayer } from './program.js';

/**
 * The sensorlake Pulumi program. The layer comes from the stack name (`<layer>-<env>`), the settings from the
 * `sensorlake:` namespace (passed per environment with `--config-file Pulumi.<env>.yaml`), and the returned
 * object becomes the stack's outputs.
 */
export default function main(): Record<string, pulumi.Input<unknown>> {
  const config = new pulumi.Config(PROJECT);
  return runLayer(pulumi.getStack(), (name) => config.get(name));
}
