import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} Boundary What the files of one top-level folder may import.
 * @property {string[]} may Project folders (`core`) and single modules (`sensors/index.ts`) an import may land in.
 * @property {string[]} [packages] Package names it must not import: `ws`, `@pulumi/*` (a scope), `aedes*` (a prefix);
 *   sub-paths count (`mqtt/lib/x.js` is `mqtt`), and a built-in is named without `node:` (`net` is `net` and `node:net`).
 * @property {string} why The reason, appended to every message.
 */

/** Extensions a specifier may carry for the same module (`.js` names a `.ts` file under NodeNext). */
const MODULE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** `sensors/index.ts` and `sensors/index.js` are one module; `sensors` (a folder) is its index. */
const moduleOf = (relative) => relative.replace(MODULE_EXTENSION, '');

/** The package a bare specifier names, scope-aware and without a sub-path; a built-in without `node:`. */
export function packageName(specifier) {
  if (specifier.startsWith('node:')) return specifier.slice('node:'.length).split('/')[0];
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether `name` matches a deny-list entry: exact, or a prefix when the entry ends in `*`. */
const denies = (entry, name) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry);

/**
 * Where a relative, absolute or `file:` specifier imported from `filename` lands, relative to `root`; null for a
 * bare (package) specifier. `folder` is the top-level folder, `.` for a root file, null outside the repository.
 */
export function landing(root, filename, specifier) {
  let target;
  if (specifier.startsWith('file:')) target = path.normalize(fileURLToPath(specifier));
  else if (path.isAbsolute(specifier)) target = path.normalize(specifier);
  else if (/^\.\.?(?:\/|$)/.test(specifier)) target = path.resolve(path.dirname(filename), specifier);
  else return null;
  const relative = path.relative(root, target).split(path.sep).join('/');
  if (relative === '') return { folder: '.', relative: '.', module: '.' };
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) return { folder: null, relative: target, module: target };
  const [first, ...rest] = relative.split('/');
  const isFolder = rest.length > 0 || statSync(target, { throwIfNoEntry: false })?.isDirectory() === true;
  return { folder: isFolder ? first : '.', relative, module: moduleOf(relative) };
}

/** Whether a landing is one the boundary's `may` list allows. */
function allowed(may, landed) {
  return may.some((entry) => {
    if (!entry.includes('/')) return landed.folder === entry;
    const allowedModule = moduleOf(entry);
    return landed.module === allowedModule || (path.posix.basename(allowedModule) === 'index' && landed.module === path.posix.dirname(allowedModule));
  });
}

/** The string a specifier node holds when it is a literal (or a template without values), else null. */
function literal(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node?.type === 'TSLiteralType') return literal(node.literal);
  return null;
}

/** The variable an identifier refers to, looked up from `scope` outwards. */
function variableOf(scope, identifier) {
  for (let s = scope; s; s = s.upper) {
    const found = s.set.get(identifier.name);
    if (found) return found;
  }
  return null;
}

/** Whether `callee` is `createRequire` from `node:module` (by any local name) or `module.createRequire`. */
function isCreateRequire(callee, scope) {
  if (callee.type === 'MemberExpression') return callee.property.type === 'Identifier' && callee.property.name === 'createRequire';
  if (callee.type !== 'Identifier') return false;
  const def = variableOf(scope, callee)?.defs[0];
  if (def?.type === 'ImportBinding' && def.node.type === 'ImportSpecifier') {
    const imported = def.node.imported.name ?? def.node.imported.value;
    return imported === 'createRequire' && ['module', 'node:module'].includes(def.parent.source.value);
  }
  return callee.name === 'createRequire';
}

/** Whether a call's callee loads a module: `require`, `createRequire(...)`, or a variable holding a createRequire result. */
function isRequire(callee, scope) {
  if (callee.type === 'CallExpression') return isCreateRequire(callee.callee, scope);
  if (callee.type !== 'Identifier') return false;
  if (callee.name === 'require') return true;
  const def = variableOf(scope, callee)?.defs[0];
  const init = def?.type === 'Variable' ? def.node.init : null;
  return init?.type === 'CallExpression' && isCreateRequire(init.callee, scope);
}

/** @type {import('eslint').Rule.RuleModule} */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Each top-level folder imports only what its row of the boundaries table allows (DESIGN.md, Layout).' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          folders: {
            type: 'object',
            additionalProperties: {
              anyOf: [
                { const: 'anything' },
                {
                  type: 'object',
                  properties: { may: { type: 'array', items: { type: 'string' } }, packages: { type: 'array', items: { type: 'string' } }, why: { type: 'string' } },
                  required: ['may', 'why'],
                  additionalProperties: false,
                },
              ],
            },
          },
        },
        required: ['root', 'folders'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, folders } = context.options[0];
    const own = path.relative(root, context.filename).split(path.sep);
    if (own[0] === '..' || path.isAbsolute(own[0])) return {};
    const folder = own.length === 1 ? '.' : own[0];
    const boundary = folders[folder];
    const name = folder === '.' ? 'a root file' : `${folder}/`;
    if (boundary === undefined) {
      return {
        Program(node) {
          context.report({ node, message: `${name} is not in the import-boundaries table (eslint.config.js): give it a row saying what it may import.` });
        },
      };
    }
    if (boundary === 'anything') return {};
    const rule = `${name} may import only ${boundary.may.map((m) => (m.includes('/') ? m : `${m}/`)).join(', ')}`;

    function check(node, source) {
      const specifier = literal(source);
      if (specifier === null) {
        context.report({ node, message: `${rule}: a computed specifier cannot be checked; import a string literal. ${boundary.why}` });
        return;
      }
      const landed = landing(root, context.filename, specifier);
      if (landed === null) {
        const pkg = packageName(specifier);
        if ((boundary.packages ?? []).some((entry) => denies(entry, pkg))) {
          context.report({ node, message: `${name} may not import the package '${pkg}' ('${specifier}'). ${boundary.why}` });
        }
        return;
      }
      if (allowed(boundary.may, landed)) return;
      const where = landed.folder === null ? `lands outside the repository (${landed.relative})` : `lands in ${landed.relative}`;
      context.report({ node, message: `${rule}: '${specifier}' ${where}. ${boundary.why}` });
    }

    const fromSource = (node) => node.source && check(node, node.source);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node, node.moduleReference.expression);
      },
      TSImportType: (node) => check(node, node.argument),
      CallExpression(node) {
        if (isRequire(node.callee, context.sourceCode.getScope(node))) check(node, node.arguments[0]);
      },
    };
  },
};

/** The project's own ESLint plugin (flat config): `sensorlake/import-boundaries`. */
export default { meta: { name: 'sensorlake' }, rules: { 'import-boundaries': importBoundaries } };
