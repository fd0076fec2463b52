// Shared by the dashboard and the room view: escaping, times, and a live event stream that
// reconnects by itself (EventSource retries; the status line says when it is trying).
'use strict';

/** @param {string} text */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "just now", "4 min ago", "2 h ago" for a time in ms (0: never). */
export function ago(ms, now = Date.now()) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/**
 * Opens a server-sent event stream and calls handlers[event](data). The status element shows
 * "live" or "reconnecting…"; a snapshot after a reconnect replaces everything shown.
 */
export function liveStream(url, handlers, statusElement) {
  const source = new EventSource(url);
  const status = (text, live) => {
    statusElement.textContent = text;
    statusElement.classList.toggle('live', live);
  };
  source.addEventListener('open', () => status('live', true));
  source.addEventListener('error', () => status('reconnecting…', false));
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (message) => handle(JSON.parse(message.data)));
  }
  return source;
}

/** A lesson's state as text and class: ✓ done, 2/3 goals, · started. */
export function cellText(cell) {
  if (!cell || cell.status === 'none') return { text: '', cls: '' };
  if (cell.status === 'done' || cell === 'done') return { text: '✓', cls: 'done' };
  if (cell === 'started') return { text: '·', cls: 'started' };
  return { text: cell.goalsTotal > 0 ? `${cell.goalsMet}/${cell.goalsTotal}` : '·', cls: 'started' };
}
