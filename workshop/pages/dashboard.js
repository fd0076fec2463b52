// The instructor dashboard: a live grid of learners × lessons, the stuck queue, the room's
// common errors, and the actions. Everything arrives over one event stream
// (/api/instructor/events); actions are POSTs to /api/instructor/ (same origin, cookie).
import { ago, cellText, escapeHtml, liveStream } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { lessons: [], rows: new Map(), stuck: [], room: null };

function post(path, body) {
  return fetch(`/api/instructor/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then(async (response) => {
    const answer = await response.json().catch(() => ({}));
    $('action-result').textContent = response.ok ? 'Done.' : `Refused: ${answer.error?.message ?? response.status}`;
    return answer;
  });
}

function lessonName(number) {
  const lesson = state.lessons[number - 1];
  return lesson ? `${lesson.number}. ${lesson.title}` : `lesson ${number}`;
}

function renderHead() {
  const head = $('grid').tHead;
  head.innerHTML = `<tr><th scope="col">Learner</th><th scope="col">Now</th>${state.lessons
    .map((l) => `<th scope="col" title="${escapeHtml(l.title)}">${l.number}</th>`)
    .join('')}<th scope="col">Actions</th></tr>`;
  $('release-lesson').innerHTML = state.lessons.map((l) => `<option value="${l.number}">${escapeHtml(lessonName(l.number))}</option>`).join('');
}

function cellTitle(lesson, cell) {
  if (!cell) return `${lesson.title}: not started`;
  const goals = cell.goals.map((g) => `${g.met ? '✓' : '✗'} ${g.id} (${g.checks} failed checks, ${g.hintsShown} hints)`).join('\n');
  return `${lesson.title}: ${cell.status}\nattempts ${cell.attempts}, failed checks ${cell.failedChecks}, hints ${cell.hints}\n${goals}`;
}

function rowHtml(row) {
  const cells = state.lessons
    .map((lesson) => {
      const cell = row.lessons[lesson.id];
      const { text, cls } = cellText(cell);
      const extra = cell && cell.status !== 'done' && (cell.failedChecks > 0 || cell.hints > 0) ? `<small>${cell.failedChecks}✗ ${cell.hints}?</small>` : '';
      return `<td class="cell ${cls}${row.current === lesson.number ? ' current' : ''}" data-lesson="${escapeHtml(lesson.id)}" title="${escapeHtml(cellTitle(lesson, cell))}">${text}${extra}</td>`;
    })
    .join('');
  const options = state.lessons.map((l) => `<option value="${l.number}">${l.number}</option>`).join('');
  return `<th scope="row"><span class="dot ${row.online ? 'online' : 'offline'}" title="${row.online ? 'online' : 'offline'}"></span>${escapeHtml(row.name)}${row.hand ? ' <span class="hand" title="raised a hand">hand up</span>' : ''}${row.fault ? ` <span class="fault" title="fault on">⚡${escapeHtml(row.fault)}</span>` : ''}<br><small class="online-text">${row.online ? 'online' : 'offline'} · ${ago(row.lastActivity)}</small></th>
<td class="now">${row.current ?? '–'}</td>${cells}
<td class="actions"><button type="button" data-action="reset">Reset</button>
<select data-role="goto-lesson" aria-label="Lesson for ${escapeHtml(row.name)}">${options}</select><button type="button" data-action="goto">Go</button>
<input data-role="fault" placeholder="fault" aria-label="Fault for ${escapeHtml(row.name)}" size="9"><button type="button" data-action="fault">⚡</button>
<button type="button" data-action="new-code" title="Replace a lost or shared join code">New code</button></td>`;
}

function renderRow(row) {
  state.rows.set(row.id, row);
  const body = $('grid').tBodies[0];
  let tr = body.querySelector(`tr[data-learner="${CSS.escape(row.id)}"]`);
  if (!tr) {
    tr = document.createElement('tr');
    tr.dataset.learner = row.id;
    body.append(tr);
  }
  // Keep what the instructor is typing in this row's inputs.
  const typing = tr.contains(document.activeElement) ? document.activeElement.dataset.role : undefined;
  const kept = typing ? tr.querySelector(`[data-role="${typing}"]`).value : undefined;
  tr.innerHTML = rowHtml(row);
  if (typing) {
    const input = tr.querySelector(`[data-role="${typing}"]`);
    input.value = kept;
    input.focus();
  }
  renderSummary();
}

function renderSummary() {
  const rows = [...state.rows.values()];
  const online = rows.filter((r) => r.online).length;
  $('summary').textContent = `${rows.length} learners, ${online} online`;
}

function renderStuck(stuck) {
  state.stuck = stuck;
  $('stuck-count').textContent = String(stuck.length);
  $('stuck').innerHTML = stuck
    .map(
      (s) => `<li class="stuck-${s.reason}" data-learner="${escapeHtml(s.id)}">
<h3><span class="reason">${s.reason === 'hand' ? 'Hand up' : s.reason === 'failing' ? 'Failing' : 'Idle'}</span> ${escapeHtml(s.name)} <small>${s.lesson ? `lesson ${s.lesson}` : ''} · since ${ago(s.since)}</small></h3>
<p class="detail">${escapeHtml(s.detail)}</p>
${s.errors.length ? `<p class="errors">Last errors: ${s.errors.map((e) => `<code>${escapeHtml(e)}</code>`).join(' ')}</p>` : ''}
<pre class="tail">${s.tail.map(escapeHtml).join('\n') || '(no POP3 traffic yet)'}</pre>
<div class="buttons">${s.reason === 'hand' ? '<button type="button" data-action="lower-hand">Answered</button>' : ''}<button type="button" data-action="reset">Reset mailboxes</button></div>
</li>`,
    )
    .join('');
}

function renderTroubles(troubles) {
  $('troubles').innerHTML =
    troubles.length === 0
      ? '<p>None yet.</p>'
      : troubles
          .map(
            (t) => `<div class="trouble"><h3>${t.number}. ${escapeHtml(t.title)}</h3><ul>
${t.errs.map((e) => `<li><code>${escapeHtml(e.text)}</code> ×${e.count} (${e.learners} learner${e.learners === 1 ? '' : 's'})</li>`).join('')}
${t.mistakes.map((m) => `<li>mistake <code>${escapeHtml(m.id)}</code> ×${m.count} (${m.learners} learner${m.learners === 1 ? '' : 's'})</li>`).join('')}</ul></div>`,
          )
          .join('');
}

function renderRoom(room) {
  state.room = room;
  $('release-state').textContent = room.release.mode === 'paced' ? `lessons 1–${room.release.upTo} released` : 'self-paced';
  $('room-fault-state').textContent = room.fault ? `on: ${room.fault}` : 'off';
  $('hide-names').checked = room.hideNames;
}

liveStream(
  '/api/instructor/events',
  {
    snapshot(data) {
      state.lessons = data.lessons;
      state.rows.clear();
      $('grid').tBodies[0].innerHTML = '';
      renderHead();
      data.rows.forEach(renderRow);
      renderStuck(data.stuck);
      renderTroubles(data.troubles);
      renderRoom(data.room);
    },
    rows: (data) => data.rows.forEach(renderRow),
    stuck: renderStuck,
    troubles: renderTroubles,
    room: renderRoom,
  },
  $('status'),
);

// "3 min ago" keeps counting without an event.
setInterval(() => state.rows.forEach((row) => renderRow(row)), 30_000);

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  const holder = button?.closest('[data-learner]');
  if (!button || !holder) return;
  const id = holder.dataset.learner;
  const action = button.dataset.action;
  if (action === 'goto') post(`learners/${id}/goto`, { lesson: Number(holder.querySelector('[data-role="goto-lesson"]').value) });
  else if (action === 'fault') post(`learners/${id}/fault`, { fault: holder.querySelector('[data-role="fault"]').value.trim() });
  else if (action === 'new-code') {
    if (confirm('Give this learner a new join code? The old one stops working.')) {
      post(`learners/${id}/new-code`).then((answer) => {
        if (answer.code) $('action-result').textContent = `New code for ${state.rows.get(id)?.name ?? id}: ${answer.code}`;
      });
    }
  } else post(`learners/${id}/${action}`);
});

$('release-form').addEventListener('submit', (event) => {
  event.preventDefault();
  post('release', { upTo: Number($('release-lesson').value) });
});
$('self-paced-button').addEventListener('click', () => post('release', { upTo: null }));
$('room-fault-form').addEventListener('submit', (event) => {
  event.preventDefault();
  post('fault', { fault: $('room-fault').value.trim() });
});
$('room-fault-off').addEventListener('click', () => post('fault', { fault: '' }));
$('hide-names').addEventListener('change', (event) => post('room-names', { hide: event.target.checked }));
