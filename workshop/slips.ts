import type { LearnerEntry } from './data-folder';

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The printable sheet: one slip per learner with their name, join code and the command to
 * type, cut along the dashed lines. It holds the codes, so it goes to the instructor only.
 */
export function slipsHtml(title: string, joinUrl: string, learners: readonly LearnerEntry[]): string {
  const slips = learners
    .map(
      (l) => `<section class="slip">
  <h2>${escapeHtml(l.name)}</h2>
  <p class="code">${escapeHtml(l.code)}</p>
  <p>In the pop3-playground folder, type:</p>
  <pre>npm start -- --join ${escapeHtml(joinUrl)} --code ${escapeHtml(l.code)}</pre>
  <p class="small">No project yet? Open ${escapeHtml(new URL('/install', joinUrl).href)} for an offline install. Keep this code to yourself: it opens your mailboxes and progress.</p>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: join slips</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1cm; }
.slip { border: 1px dashed #555; padding: 0.4cm 0.6cm; margin-bottom: 0.4cm; break-inside: avoid; }
.slip h2 { margin: 0 0 0.2cm; font-size: 14pt; }
.code { font: bold 22pt ui-monospace, monospace; letter-spacing: 0.1em; margin: 0.1cm 0; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 10pt; background: #f3f3f3; padding: 0.2cm; }
.small { font-size: 8.5pt; color: #333; }
</style></head>
<body>
<h1>${escapeHtml(title)}: join slips (${learners.length})</h1>
${slips}
</body></html>
`;
}
