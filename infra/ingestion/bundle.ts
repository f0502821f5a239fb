import { existsSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../../core/settings.js';
import { SensorlakeError } from '../../core/errors.js';

/** A Lambda handler could not be bundled. */
export class BundleError extends SensorlakeError {
  override name = 'BundleError';

  constructor(
    /** Entry file that was bundled. */
    readonly entry: string,
    /** What went wrong. */
    readonly reason: string,
  ) {
    super(`cannot bundle Lambda handler ${entry}: ${reason}`);
  }
}

/** The file name of the bundle inside the archive; the Lambda handler is `<this without .mjs>.<export>`. */
export const BUNDLE_FILE = 'index.mjs';

/** A bundled handler: the code and what Lambda needs to call it. */
export interface HandlerBundle {
  readonly code: string;
  /** Lambda `handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  readonly archive: pulumi.asset.AssetArchive;
}

/**
 * Bundles a TypeScript handler (path relative to the repository root) into one ES module for the nodejs22.x
 * runtime. The bundle is built in memory, so the asset hash only changes when the code does.
 */
export function bundleHandler(entry: string, exportName = 'handler'): HandlerBundle {
  const absolute = path.resolve(PROJECT_ROOT, entry);
  if (!existsSync(absolute)) throw new BundleError(entry, `file ${absolute} does not exist`);
  let code: string;
  try {
    const result = buildSync({
      entryPoints: [absolute],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      write: false,
      outfile: BUNDLE_FILE,
      logLevel: 'silent',
      legalComments: 'none',
      // The runtime ships the AWS SDK v3.
      external: ['@aws-sdk/*'],
      // CommonJS dependencies that call require() on Node built-ins need it inside an ES module.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    code = output.text;
  } catch (error) {
    throw new BundleError(entry, error instanceof Error ? error.message : String(error));
  }
  if (!new RegExp(`export\\s*\\{[^}]*\\b${exportName}\\b`).test(code)) {
    throw new BundleError(entry, `it does not export ${exportName}`);
  }
  return {
    code,
    handler: `${path.basename(BUNDLE_FILE, '.mjs')}.${exportName}`,
    archive: new pulumi.asset.AssetArchive({ [BUNDLE_FILE]: new pulumi.asset.StringAsset(code) }),
  };
}
