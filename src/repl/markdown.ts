import type { Token } from 'marked';
import { createPainter } from './style';
import type { OutputStyle } from './style';
import { showCodeSpan } from './inline-code';
import { layoutTable } from './table-layout';
import { wrapBeside } from './text-wrap';

/** Renders lesson markdown for the terminal, wrapped at `width` (default: the style's). */
export type MarkdownRenderer = (markdown: string, width?: number) => string;

const ASCII_TABLE = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
  bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
  left: '|', 'left-mid': '|', mid: '-', 'mid-mid': '+',
  right: '|', 'right-mid': '|', middle: '|',
};

/**
 * Undoes what marked-terminal leaves in inline text for its own later passes: the marker it
 * puts for a colon in code spans, and HTML entities.
 */
function unescapeText(text: string): string {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  return text.replaceAll('*#COLON|*', ':').replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
}

/** A marked instance that renders to terminal text. */
type MarkdownParser = import('marked').Marked<string, string>;

/** How far code blocks are indented. */
const INDENT = '  ';

/** Fence languages shown as they are, without highlighting (docs/lesson-format.md). */
const PLAIN_FENCES = new Set(['output', 'pop3']);

/**
 * Creates a width-aware renderer over marked and marked-terminal. Colour follows the style;
 * without a terminal, tables are drawn in ASCII. chalk decides its colour level once, when it
 * is first loaded (here), so the first renderer's style holds for the process. marked-terminal
 * takes its width when it is set up, so there is one parser per width asked for.
 */
export function createMarkdownRenderer(style: OutputStyle): MarkdownRenderer {
  // Loaded lazily: marked-terminal bundles chalk and a highlighter (~150 ms to load). chalk
  // ignores NO_COLOR but reads FORCE_COLOR=0 when loaded; set it only for the load, since Node
  // warns when NO_COLOR and FORCE_COLOR are both set.
  const saved = process.env.FORCE_COLOR;
  if (!style.colour) process.env.FORCE_COLOR = '0';
  let Marked: typeof import('marked').Marked;
  let markedTerminal: typeof import('marked-terminal').markedTerminal;
  try {
    ({ Marked } = require('marked') as typeof import('marked'));
    ({ markedTerminal } = require('marked-terminal') as typeof import('marked-terminal'));
  } finally {
    if (saved === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved;
  }
  const parsers = new Map<number, MarkdownParser>();
  const parserFor = (width: number): MarkdownParser => {
    let marked = parsers.get(width);
    if (!marked) {
      marked = createParser(Marked, markedTerminal, style, width);
      parsers.set(width, marked);
    }
    return marked;
  };
  return (markdown, width = style.width) => {
    const out = parserFor(width).parse(markdown, { async: false });
    return out.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  };
}

/** One marked instance set up for the terminal at `width`. */
function createParser(
  Marked: typeof import('marked').Marked,
  markedTerminal: typeof import('marked-terminal').markedTerminal,
  style: OutputStyle,
  width: number,
): MarkdownParser {
  const marked = new Marked<string, string>();
  const paint = createPainter(style);
  const plainTable = { style: { head: [] as string[], border: [] as string[] } };
  const tableOptions = style.terminal ? (style.colour ? {} : plainTable) : { ...plainTable, chars: ASCII_TABLE };
  marked.use(
    markedTerminal({
      width,
      reflowText: true,
      tab: INDENT.length,
      emoji: false,
      // Without colour, "#" prefixes are what marks a heading.
      showSectionPrefix: !style.colour,
      tableOptions,
      codespan: (code: string) => showCodeSpan(code, style.colour ? paint.yellow : undefined),
    }) as Parameters<typeof marked.use>[0],
  );
  const outputLabel = `${INDENT}${paint.dim('Output:')}\n`;
  // The columns a list lays its items out in: narrower for a list inside an item.
  let listWidth = width;
  marked.use({
    renderer: {
      // The wire and results are shown as they are: highlight.js knows neither fence language
      // (asked, it prints "Could not find the language"). A result is labelled, so it is told
      // from the code before it without colour (docs/lesson-format.md).
      code(token) {
        if (!PLAIN_FENCES.has(token.lang ?? '')) return false;
        const label = token.lang === 'output' ? outputLabel : '';
        return `${label}${token.text.replace(/^/gm, INDENT)}\n\n`;
      },
      // marked-terminal's text renderer ignores child tokens, so bold and code spans inside tight
      // list items print raw (mikaelbr/marked-terminal#304, #371): render them inline ourselves.
      text(token) {
        if ('tokens' in token && token.tokens && token.tokens.length > 0) return this.parser.parseInline(token.tokens);
        return false;
      },
      // marked-terminal keeps an item's source line breaks, and indents a loose item after
      // wrapping it: lay each item out within the width, its lines under its text.
      list(token) {
        const outer = listWidth;
        const start = typeof token.start === 'number' ? token.start : 1;
        const items = token.items.map((item, i) => {
          const bullet = `${INDENT}${token.ordered ? `${start + i}.` : '*'} `;
          listWidth = outer - bullet.length;
          // Trimmed but for a nested list's leading indentation.
          const rendered = item.tokens.map((t) => unescapeText(this.parser.parse([t])).replace(/^\n+|\s+$/g, ''));
          const blocks = rendered.filter((block) => block !== '').join('\n\n').split(/\n{2,}/);
          listWidth = outer;
          return blocks
            .map((block, b) => {
              // A list inside the item is laid out already: shift it under the text.
              if (/^ +(?:\*|\d+\.) /.test(block)) return block.replace(/^/gm, ' '.repeat(bullet.length - INDENT.length));
              const text = block.split('\n').map((line) => line.trim()).join(' ');
              return wrapBeside(b === 0 ? bullet : ' '.repeat(bullet.length), text, outer);
            })
            .join('\n');
        });
        return `${items.join('\n')}\n\n`;
      },
      // marked-terminal draws a table as wide as its longest cells: lay it out within the width.
      table(token) {
        const cell = (c: { tokens: Token[] }): string => unescapeText(this.parser.parseInline(c.tokens));
        return `${layoutTable(token.header.map(cell), token.rows.map((row) => row.map(cell)), width, tableOptions)}\n\n`;
      },
    },
  });
  return marked;
}
