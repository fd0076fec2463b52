import { launchBrowser, openWatchedPage } from './test/browser/launch';
const origin = 'http://127.0.0.1:5199';
(async () => {
  const b = await launchBrowser();
  const w = await openWatchedPage(b, origin);
  w.page.on('worker', (wk) => { wk.on('console', (m) => console.log('worker console:', m.text().slice(0, 500))); });
  await w.page.goto(`${origin}/lessons/01-first-contact.html`);
  const result = await w.page.evaluate(`new Promise((resolve) => {
    const wk = new Worker('/runtime/sandbox-worker-M2DDZCAJ.js', { type: 'module' });
    wk.onerror = (e) => resolve('error event: ' + e.message + ' ' + e.filename + ':' + e.lineno);
    wk.onmessage = (e) => { if (e.data.type !== 'entry') resolve(JSON.stringify(e.data).slice(0, 300)); };
    wk.postMessage({ type: 'init', seedBase: '/runtime/seed/', start: { mailboxes: { alice: 'seed' } } });
    setTimeout(() => resolve('nothing after 20 s'), 20000);
  })`);
  console.log(result);
  await w.close(); await b.close();
})();
