import { launchBrowser, openWatchedPage } from './test/browser/launch';
const origin = 'http://127.0.0.1:5199';
(async () => {
  const [lesson = '01-first-contact', ...blocks] = process.argv.slice(2);
  const b = await launchBrowser();
  const w = await openWatchedPage(b, origin);
  w.page.on('console', (m) => console.log('console:', m.type(), m.text().slice(0, 300)));
  w.page.on('worker', (wk) => { console.log('worker', wk.url()); wk.on('console', (m) => console.log('worker console:', m.text().slice(0, 500))); });
  w.page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
  w.context.on('response', (r) => { if (r.status() >= 400) console.log('ctx HTTP', r.status(), r.url()); });
  try {
    await w.page.goto(`${origin}/lessons/${lesson}.html`, { timeout: 120000 });
    await w.page.locator('.lesson-bar[data-mounted="true"]').waitFor({ timeout: 120000 });
    for (const i of blocks.length ? blocks.map(Number) : [0]) {
      const t0 = Date.now();
      const block = w.page.locator(`.run-block[data-block="${i}"]`);
      await block.locator('button.run-button').click();
      await w.page.waitForFunction((i) => Number(document.querySelector(`.run-block[data-block="${i}"]`)?.getAttribute('data-runs') ?? 0) > 0, i, { timeout: 60000 });
      console.log(`--- block ${i} (${Date.now() - t0} ms)\n` + (await block.locator('[data-testid=output]').textContent()));
    }
    await w.page.screenshot({ path: '/tmp/run.png', fullPage: false });
  } catch (e) { console.log('ERR', (e as Error).message); await w.page.screenshot({ path: '/tmp/run.png' }); }
  console.log('errors', w.errors, 'foreign', w.foreignRequests);
  await w.close(); await b.close();
})();
