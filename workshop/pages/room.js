// The read-only room view for the projector: who is where, and how many finished each lesson.
// No actions, no logs, no codes; names become numbers when the instructor hides them.
import { cellText, escapeHtml, liveStream } from './common.js';

const $ = (id) => document.getElementById(id);
let lessons = [];

function render(rows, release) {
  $('release').textContent = release.mode === 'paced' ? `Lessons 1–${release.upTo} are open` : 'Self-paced: every lesson is open';
  $('lesson-counts').innerHTML = lessons
    .map((l) => {
      const done = rows.filter((r) => r.cells[l.id] === 'done').length;
      const here = rows.filter((r) => r.current === l.number).length;
      return `<li data-lesson="${escapeHtml(l.id)}"><strong>${l.number}</strong> ${escapeHtml(l.title)} <span class="count">${done} done</span>${here ? ` <span class="here">${here} here</span>` : ''}</li>`;
    })
    .join('');
  $('grid').tHead.innerHTML = `<tr><th scope="col">Learner</th>${lessons.map((l) => `<th scope="col" title="${escapeHtml(l.title)}">${l.number}</th>`).join('')}</tr>`;
  $('grid').tBodies[0].innerHTML = rows
    .map(
      (r) => `<tr><th scope="row"><span class="dot ${r.online ? 'online' : 'offline'}"></span>${escapeHtml(r.label)}</th>${lessons
        .map((l) => {
          const { text, cls } = cellText(r.cells[l.id]);
          return `<td class="cell ${cls}${r.current === l.number ? ' current' : ''}">${text}</td>`;
        })
        .join('')}</tr>`,
    )
    .join('');
}

liveStream(
  '/api/room/events',
  {
    snapshot(data) {
      lessons = data.lessons;
      render(data.rows, data.release);
    },
    rows: (data) => render(data.rows, data.release),
  },
  $('status'),
);
