import type { AslDefinition, ConditionJson, GraphJson, StateJson } from './json.js';

const SYMBOL: Readonly<Record<string, string>> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: 'matches',
};

const TYPE_TEST: Readonly<Record<string, string>> = {
  IsPresent: 'present',
  IsNull: 'null',
  IsString: 'a string',
  IsNumeric: 'numeric',
  IsBoolean: 'a boolean',
  IsTimestamp: 'a timestamp',
};

const COMPARISON = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;

/** A Choice condition as a short readable expression: `$.count > 0`, `not ($.force == true)`, `$.x is present`. */
export function describeCondition(condition: ConditionJson): string {
  if (Array.isArray(condition.And)) return (condition.And as ConditionJson[]).map((c) => `(${describeCondition(c)})`).join(' and ');
  if (Array.isArray(condition.Or)) return (condition.Or as ConditionJson[]).map((c) => `(${describeCondition(c)})`).join(' or ');
  if (condition.Not !== undefined) return `not (${describeCondition(condition.Not as ConditionJson)})`;
  const variable = String(condition.Variable);
  for (const [operator, value] of Object.entries(condition)) {
    if (operator === 'Variable' || operator === 'Next' || operator === 'Comment') continue;
    const test = TYPE_TEST[operator];
    if (test !== undefined) return `${variable} is ${value === true ? '' : 'not '}${test}`;
    const match = COMPARISON.exec(operator);
    if (match !== null) return `${variable} ${SYMBOL[match[2]!]} ${match[3] === undefined ? JSON.stringify(value) : String(value)}`;
    return `${variable} ${operator} ${JSON.stringify(value)}`;
  }
  return variable;
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '#quot;')}"`;
}

function node(id: string, name: string, state: StateJson): string {
  const label = quote(name);
  switch (state.Type) {
    case 'Choice':
      return `${id}{${label}}`;
    case 'Pass':
      return `${id}(${label})`;
    case 'Wait':
      return `${id}[/${label}/]`;
    case 'Succeed':
      return `${id}([${label}])`;
    case 'Fail':
      return `${id}[[${label}]]`;
    default:
      return `${id}[${label}]`;
  }
}

/**
 * The machine as a Mermaid flowchart: a start and an end node, one node per state (Parallel and Map as subgraphs
 * holding their branches and item processor), Choice edges labelled with their condition (`otherwise` for the
 * Default), Catch edges dashed and labelled with their errors. Node ids are numbered graph by graph in the order of the definition, so the
 * same definition always gives the same text.
 */
export function toMermaid(definition: AslDefinition): string {
  const lines = ['flowchart TD', '  start((start))', '  stop((end))'];
  const edges: string[] = [];
  let counter = 0;

  const drawGraph = (graph: GraphJson, indent: string, top: boolean): string => {
    const ids = new Map<string, string>(Object.keys(graph.States).map((name) => [name, `n${counter++}`]));
    const idOf = (name: string) => ids.get(name) ?? quote(name);
    for (const [name, state] of Object.entries(graph.States)) {
      const id = idOf(name);
      const nested = [...(state.Branches ?? []).map((b, i) => ({ label: `branch ${i + 1}`, graph: b })),
        ...(state.ItemProcessor === undefined ? [] : [{ label: 'item processor', graph: state.ItemProcessor }])];
      if (nested.length > 0) {
        lines.push(`${indent}subgraph ${id}[${quote(`${name} (${state.Type})`)}]`);
        nested.forEach((sub, i) => {
          lines.push(`${indent}  subgraph ${id}_${i + 1}[${quote(sub.label)}]`);
          drawGraph(sub.graph, `${indent}    `, false);
          lines.push(`${indent}  end`);
        });
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${node(id, name, state)}`);
      }
      if (state.Next !== undefined) edges.push(`  ${id} --> ${idOf(state.Next)}`);
      for (const rule of state.Choices ?? []) edges.push(`  ${id} -->|${quote(describeCondition(rule))}| ${idOf(rule.Next)}`);
      if (state.Default !== undefined) edges.push(`  ${id} -->|"otherwise"| ${idOf(state.Default)}`);
      for (const c of state.Catch ?? []) edges.push(`  ${id} -.->|${quote(c.ErrorEquals.join(', '))}| ${idOf(c.Next)}`);
      if (top && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail')) edges.push(`  ${id} --> stop`);
    }
    return idOf(graph.StartAt);
  };

  const first = drawGraph(definition, '  ', true);
  return [...lines, `  start --> ${first}`, ...edges].join('\n') + '\n';
}
