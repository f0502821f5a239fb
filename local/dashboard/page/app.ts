import { API_PATHS, type SourceInfo } from '../contract.js';

// PLACEHOLDER until the page lands (the dash-page branch replaces this file): shows where the data comes from.
// The project's tsconfig has no DOM library (a `lib="dom"` reference would apply to every file): the one call used.
declare const document: { getElementById(id: string): { textContent: string | null } | null };
const target = document.getElementById('source');
fetch(API_PATHS.source)
  .then(async (response) => {
    const info = (await response.json()) as SourceInfo;
    if (target !== null) target.textContent = `${info.kind}: ${info.location}`;
  })
  .catch((error: unknown) => {
    if (target !== null) target.textContent = `the source could not be read: ${String(error)}`;
  });
