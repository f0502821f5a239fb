import { SETTINGS } from '../core/settings.js';

/** One typed project-config declaration, as Pulumi.yaml writes it. */
export interface ProjectConfigDeclaration {
  readonly type: 'integer' | 'string' | 'boolean' | 'object';
  readonly description: string;
  readonly default: number | string | boolean | Readonly<Record<string, unknown>>;
}

/** The `config:` block of Pulumi.yaml, derived from SETTINGS (keys in the project namespace, unprefixed). */
export function projectConfigDeclarations(): Record<string, ProjectConfigDeclaration> {
  return Object.fromEntries(
    Object.entries(SETTINGS).map(([name, setting]) => [
      name,
      { type: setting.type, description: setting.description, default: setting.default },
    ]),
  );
}
