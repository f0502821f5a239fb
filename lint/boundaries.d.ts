import type { ESLint } from 'eslint';

/** Where an import lands: its top-level folder (`.` a root file, null outside the repository), path, and module. */
export interface Landing {
  folder: string | null;
  relative: string;
  module: string;
}

/** The package a bare specifier names, scope-aware and without a sub-path; a built-in without `node:`. */
export function packageName(specifier: string): string;

/** Where a relative, absolute or `file:` specifier imported from `filename` lands; null for a package specifier. */
export function landing(root: string, filename: string, specifier: string): Landing | null;

/** The project's own ESLint plugin (flat config): `sensorlake/import-boundaries`. */
declare const plugin: ESLint.Plugin;
export default plugin;
