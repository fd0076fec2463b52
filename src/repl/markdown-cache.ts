import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createMarkdownRenderer } from './markdown';
import type { MarkdownRenderer } from './markdown';
import type { OutputStyle } from './style';

/** Bump when the stored form or what the key covers changes. */
const CACHE_FORMAT = 2;

/**
 * Variables that chalk, supports-color and supports-hyperlinks read when they load: the colour
 * depth and whether links are drawn as terminal hyperlinks follow them.
 */
const RENDERING_ENV =
  /^(?:FORCE_COLOR|NO_COLOR|COLORTERM|TERM|TERM_PROGRAM|TERM_PROGRAM_VERSION|VTE_VERSION|FORCE_HYPERLINK|WT_SESSION|NETLIFY|TEAMCITY_VERSION|CI|CI_NAME|TF_BUILD|GITHUB_ACTIONS|GITEA_ACTIONS|GITLAB_CI|TRAVIS|CIRCLECI|APPVEYOR|BUILDKITE|DRONE)$/;

/** The files whose code decides what rendered markdown looks like. */
const RENDERING_SOURCES = ['markdown.ts', 'table-layout.ts', 'text-wrap.ts', 'inline-code.ts', 'style.ts'];

/** Options of {@link createCachedMarkdownRenderer}. */
export interface MarkdownCacheOptions {
  /** The folder the rendered texts are kept in (made on the first write). */
  dir: string;
  /** Whether the output is a terminal, as the renderer's libraries see process.stdout. */
  isTTY: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * A renderer (as createMarkdownRenderer) that keeps what it rendered on disk: a start whose
 * lesson text, style and terminal are unchanged shows the lesson without loading marked and
 * marked-terminal (~150 ms with its code highlighter); they load on the first text not kept.
 * The key covers the markdown, the width, the style, the terminal variables above, the rendering code itself
 * and npm's record of the installed packages (without that record, nothing is kept). Keeping
 * is best effort: an unreadable or read-only folder only means rendering every time.
 */
export function createCachedMarkdownRenderer(style: OutputStyle, options: MarkdownCacheOptions): MarkdownRenderer {
  let renderer: MarkdownRenderer | undefined;
  let salt: string | null | undefined;
  let writable = true;
  const render = (markdown: string, width: number): string => (renderer ??= createMarkdownRenderer(style))(markdown, width);
  return (markdown, width = style.width) => {
    salt ??= cacheSalt(style, options);
    if (salt === null) return render(markdown, width);
    const key = createHash('sha256').update(salt).update(`${width}\0`).update(markdown).digest('hex');
    const file = path.join(options.dir, `${key}.txt`);
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // Not kept yet: render below.
    }
    const text = render(markdown, width);
    if (writable) {
      try {
        mkdirSync(options.dir, { recursive: true });
        // Written aside, then renamed: a start running at the same time never reads half a file.
        const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        writeFileSync(temp, text);
        renameSync(temp, file);
      } catch {
        writable = false;
      }
    }
    return text;
  };
}

/** Everything besides the markdown that the rendered text depends on; null when the installed packages cannot be told. */
function cacheSalt(style: OutputStyle, options: MarkdownCacheOptions): string | null {
  let installed: string;
  let source: string;
  try {
    // npm rewrites node_modules/.package-lock.json on every install: it names each installed version.
    const nodeModules = path.join(path.dirname(require.resolve('marked-terminal')), '..');
    installed = readFileSync(path.join(nodeModules, '.package-lock.json'), 'utf8');
    source = RENDERING_SOURCES.map((file) => readFileSync(path.join(__dirname, file), 'utf8')).join('\0');
  } catch {
    return null;
  }
  const env = options.env ?? process.env;
  const variables = Object.keys(env)
    .filter((name) => RENDERING_ENV.test(name))
    .sort()
    .map((name) => `${name}=${env[name]}`);
  const hash = createHash('sha256');
  // The width is part of each text's own key: a resized terminal reuses what the other width kept.
  hash.update(JSON.stringify({ format: CACHE_FORMAT, colour: style.colour, terminal: style.terminal, isTTY: options.isTTY, variables }));
  return hash.update('\0').update(installed).update('\0').update(source).digest('hex');
}
