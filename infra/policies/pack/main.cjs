/* global module */
// Entry the Pulumi policy runner require()s. The runner registers its vendored ts-node (an old TypeScript) for
// .ts files; loading the ESM TypeScript pack through tsx's ESM loader keeps ts-node out of the way. The runner
// awaits the exported promise, so a failure to load the pack fails the preview.
module.exports = import('tsx/esm/api').then(({ register }) => {
  register();
  return import('./index.ts');
});
