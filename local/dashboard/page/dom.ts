
/** What `el` takes as children: elements, or text (set as text nodes, never parsed as HTML). */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of `el`: `className`, `testid` (data-testid), the rest set with setAttribute; undefined ones skipped. */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

function apply(node: Element, attrs: Attrs, children: readonly Child[]): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    const name = key === 'className' ? 'class' : key === 'testid' ? 'data-testid' : key;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element built with createElement: data goes in as text only, so nothing it shows is ever markup. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, attrs, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element built with createElementNS. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  apply(node, attrs, children);
  return node;
}

/** A table with a header row and one row per item; `num` columns are right-aligned. */
export function table<T>(testid: string, columns: readonly { readonly head: string; readonly cell: (row: T) => Child; readonly num?: boolean }[], rows: readonly T[]): HTMLTableElement {
  return el(
    'table',
    { testid },
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c.head)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...columns.map((c) => el('td', c.num === true ? { className: 'num' } : {}, c.cell(row)))))),
  );
}

/** Bytes as a short size: 950 B, 1.2 kB, 3.4 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as a short duration: 12 ms, 3.4 s, 5 min 2 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
