/**
 * The docs site: the lessons (generated from lessons/ by scripts/docs/generate.ts) with every
 * example runnable in the page, and the client's API reference (typedoc). Served under
 * DOCS_BASE (default `/`), set at build time; nothing is loaded from another origin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { transformerTwoslash } from '@shikijs/vitepress-twoslash';
import { defineConfig } from 'vitepress';
import type { DefaultTheme } from 'vitepress';
import { twoslashCompilerOptions } from '../../scripts/docs/twoslash-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');

interface NavLesson {
  id: string;
  number: number;
  title: string;
}

const navFile = path.join(here, 'lessons.json');
const lessons: NavLesson[] = existsSync(navFile) ? JSON.parse(readFileSync(navFile, 'utf8')) : [];

// The workers' hashed file names (scripts/docs/build-runtime.ts), for the lesson pages.
const runtimeFile = path.join(here, 'runtime.json');
const runtime: unknown = existsSync(runtimeFile) ? JSON.parse(readFileSync(runtimeFile, 'utf8')) : undefined;

const sidebar: DefaultTheme.SidebarItem[] = [
  { text: 'Lessons', link: '/lessons/', items: lessons.map((l) => ({ text: `${l.number}. ${l.title}`, link: `/lessons/${l.id}` })) },
  { text: 'Client API', link: '/api/' },
];

/** A base path from the environment, with the slashes VitePress expects. */
function basePath(value: string | undefined): string {
  if (!value || value === '/') return '/';
  return `/${value.replace(/^\/+|\/+$/g, '')}/`;
}

const base = basePath(process.env.DOCS_BASE);

export default defineConfig({
  title: 'POP3 playground',
  description: 'Learn how email is fetched: POP3 lessons whose examples run in the page against a real sandbox server.',
  lang: 'en',
  base,
  // An icon of its own, so no browser asks the server's root for /favicon.ico.
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: `${base}favicon.svg` }]],
  cleanUrls: false,
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Lessons', link: '/lessons/' },
      { text: 'Client API', link: '/api/' },
    ],
    sidebar,
    search: { provider: 'local' },
    outline: [2, 3],
    runtime,
  } as DefaultTheme.Config & { runtime: unknown },
  markdown: {
    // Themes whose every token colour keeps 4.5:1 on the code background (WCAG 1.4.3).
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
    // Shown plainly: raw protocol lines and what a block printed (grammars without rules).
    languages: ['pop3', 'output'].map((name) => ({ name, scopeName: `text.${name}`, patterns: [], repository: {} })),
    codeTransformers: [
      transformerTwoslash({
        twoslashOptions: { compilerOptions: twoslashCompilerOptions(root), vfsRoot: root },
      }),
    ],
  },
  vite: {
    server: { fs: { allow: [root] } },
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 4096 },
  },
});
