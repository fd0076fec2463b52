/**
 * Writes the fault list of docs/lesson-format.md from the fault table (src/protocol/faults.ts),
 * between the two fault-list markers, leaving every other byte of the file as it was:
 *
 *   node -r ./src/register.js scripts/update-fault-docs.ts [--check]
 *
 * With --check nothing is written; the command exits 1 when the docs are out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FaultDefinition } from '../src/protocol';
import { FAULTS, faultSyntax } from '../src/protocol';

/** The file whose fault list is generated. */
export const FAULT_DOCS_FILE = path.join(__dirname, '..', 'docs', 'lesson-format.md');

const START = '<!-- fault-list:start (generated from src/protocol/faults.ts by scripts/update-fault-docs.ts) -->';
const END = '<!-- fault-list:end -->';

/** The fault as a lesson's `start.faults` writes it. */
function specForm(fault: FaultDefinition): string {
  const { field, argument } = fault;
  switch (argument.kind) {
    case 'milliseconds':
      return `${field}: MS`;
    case 'count':
      return `${field}: N`;
    case 'none':
      return `${field}: ${String(argument.value)}`;
    case 'keywords':
      return `${field}: ['CMD', ...]`;
    case 'choice':
      return `${field}: ${argument.values.map((v) => `'${v}'`).join(' | ')}`;
  }
}

/** A table cell: a "|" would end it, even inside a code span (GitHub Flavored Markdown tables). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The generated section, markers included. */
export function renderFaultList(): string {
  const rows = FAULTS.map((fault) => `| ${[`\`${faultSyntax(fault)}\``, `\`${specForm(fault)}\``, fault.hook, fault.doc].map(cell).join(' | ')} |`);
  return [START, '| `--fault` | In `FaultSpec` | Acts | What it does |', '|---|---|---|---|', ...rows, END].join('\n');
}

/**
 * The markdown with its fault list replaced by {@link renderFaultList}.
 * @throws Error when the markers are missing or out of order.
 */
export function withFaultList(markdown: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end < start) throw new Error(`the fault-list markers are missing from ${FAULT_DOCS_FILE}`);
  return markdown.slice(0, start) + renderFaultList() + markdown.slice(end + END.length);
}

function main(argv: readonly string[]): number {
  const current = readFileSync(FAULT_DOCS_FILE, 'utf8');
  const updated = withFaultList(current);
  if (updated === current) return 0;
  if (argv.includes('--check')) {
    process.stderr.write(`${path.relative(process.cwd(), FAULT_DOCS_FILE)}: the fault list is out of date; run scripts/update-fault-docs.ts\n`);
    return 1;
  }
  writeFileSync(FAULT_DOCS_FILE, updated);
  process.stdout.write(`updated the fault list in ${path.relative(process.cwd(), FAULT_DOCS_FILE)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
