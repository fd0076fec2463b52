/**
 * `npm run bench -- workshop`: one classroom (its own process) and one load-generator process
 * with 200 learners joining through the join path and replaying lesson 8's POP3 traffic and
 * progress reports at a human pace (one command every 1-3 s), plus 50 misbehaving clients
 * (slow, garbage, wrong codes). Prints sessions/s, the p99 POP3 command latency at the
 * generator (replies a delay fault held back are left out), the dashboard's update delay and
 * the classroom's RSS. Options: --learners N, --seconds N.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { RawPop3 } from '../test/helpers/raw-pop3';
import { SuiteReport } from './lib/report';
import { percentile } from './lib/stats';
import type { LoadFigures, LoadOptions } from './lib/workshop-load';
import { joinLearner, runGarbageClient, runLearner, runSlowClient, runWrongCodeClient, watchDashboard } from './lib/workshop-load';

const ROOT = path.join(__dirname, '..');
const MISBEHAVING = { slow: 20, garbage: 15, wrongCodes: 15 } as const;
/** One learner in ten has a delay fault on (lesson 12's kind of trouble); their replies are counted apart. */
const FAULT = 'delay=200';

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts the classroom in its own process; resolves with its port, pid and join URL's pin once it is ready. */
function startClassroom(data: string, learners: number): Promise<{ port: number; pin: string; pid: number; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'workshop', 'start.js'), 'serve', '--learners', String(learners), '--data', data, '--port', '0', '--no-install'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let ready = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      // After its start, what the classroom prints (errors) goes to our stderr.
      if (ready) process.stderr.write(`classroom: ${chunk}`);
      out += chunk;
      const join = /--join http:\/\/127\.0\.0\.1:(\d+)\/\?ca=([0-9a-f]+)/.exec(out);
      if (join && out.includes('Ready.') && !ready) {
        ready = true;
        resolve({
          port: Number(join[1]),
          pin: join[2]!,
          pid: child.pid!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`the classroom exited (${code}) before it was ready:\n${out}`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { learners: { type: 'string', default: '200' }, seconds: { type: 'string', default: '60' } } });
  const learners = Number(values.learners);
  const seconds = Number(values.seconds);
  const report = new SuiteReport('workshop');
  report.noteLoad('before measuring');
  const data = mkdtempSync(path.join(os.tmpdir(), 'bench-classroom-'));
  const classroom = await startClassroom(data, learners);
  try {
    const host = '127.0.0.1';
    const { port, pin } = classroom;
    const settings = JSON.parse(readFileSync(path.join(data, 'classroom.json'), 'utf8')) as { instructorToken: string };
    const codes = (JSON.parse(readFileSync(path.join(data, 'learners.json'), 'utf8')) as { learners: { id: string; code: string }[] }).learners;
    const rssIdle = rssOf(classroom.pid);

    // Reference, in the same run: one learner alone, NOOP after NOOP through the join path.
    const alone = await joinLearner(host, port, pin, codes[0]!.code, 'bench-learner-0');
    const { socket } = await alone.link.openForward(false);
    const pop = RawPop3.wrap(socket);
    await pop.login('alice', 'wonderland');
    const reference: number[] = [];
    for (let i = 0; i < 300; i++) {
      const start = performance.now();
      await pop.command('NOOP');
      reference.push(performance.now() - start);
    }
    await pop.quit();
    alone.log.close();
    alone.link.close();

    // Every learner joins, as a room does at the start.
    const joinStart = performance.now();
    const joined = await Promise.all(codes.map((c, i) => joinLearner(host, port, pin, c.code, `bench-learner-${i}`)));
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const faulted = new Set<number>();
    for (let i = 0; i < learners; i += 10) {
      faulted.add(i);
      await fetchJson(host, port, `/api/instructor/learners/${codes[i]!.id}/fault`, settings.instructorToken, { fault: FAULT });
    }

    const figures: LoadFigures = { latencies: [], byKeyword: {}, faultedLatencies: [], sessions: 0, progressReports: 0, errors: [], dashboardDelays: [], misbehaving: { slow: 0, garbage: 0, wrongCodes: 0, wrongCodeAnswers: {} } };
    const pending = new Map<string, number>();
    const stopWatching = watchDashboard(host, port, settings.instructorToken, (rows, at) => {
      for (const row of rows) {
        const marker = row.lessons['08-dele-rset-quit']?.failedChecks;
        const key = `${row.id}:${marker}`;
        const sent = pending.get(key);
        if (sent !== undefined) {
          figures.dashboardDelays.push(at - sent);
          pending.delete(key);
        }
      }
    });
    // The generator's own event-loop delay: latency it adds to every figure it measures.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const cpuStart = cpuSecondsOf(classroom.pid);
    let rssPeak = rssOf(classroom.pid);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(classroom.pid))), 500);
    const ca = readFileSync(path.join(data, 'tls', 'ca.pem'), 'utf8');
    const start = performance.now();
    const options: LoadOptions = {
      host,
      port,
      pin,
      codes: codes.map((c) => c.code),
      faulted,
      until: Date.now() + seconds * 1000,
      pace: { minMs: 1_000, maxMs: 3_000 },
      figures,
      reported: (index, marker, sentAt) => pending.set(`${codes[index]!.id}:${marker}`, sentAt),
    };
    await Promise.all([
      ...joined.map((j, i) => runLearner(i, j, options)),
      ...Array.from({ length: MISBEHAVING.slow }, () => runSlowClient(options)),
      ...Array.from({ length: MISBEHAVING.garbage }, () => runGarbageClient(options)),
      ...Array.from({ length: MISBEHAVING.wrongCodes }, () => runWrongCodeClient(ca, options)),
    ]);
    const elapsed = (performance.now() - start) / 1000;
    lag.disable();
    const classroomCpu = cpuSecondsOf(classroom.pid) - cpuStart;
    clearInterval(sampler);
    // Late dashboard rows still count; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stopWatching();
    for (const j of joined) {
      j.log.close();
      j.link.close();
    }
    const p = (samples: number[], q: number): number | undefined => (samples.length > 0 ? percentile(samples, q) : undefined);
    const fig = (name: string, value: number | undefined, unit: string, samples?: number[]) => (value === undefined ? { name, unit, missing: 'no samples' } : { name, value, unit, ...(samples ? { samples } : {}) });
    report.add({ label: `${learners} learners join (CA, code, TLS, event stream)`, figures: [fig('classroom', learners / joinSeconds, 'joins/s')] });
    report.add({ label: 'POP3 sessions completed', figures: [fig('classroom', figures.sessions / elapsed, 'sessions/s')], note: `${figures.sessions} sessions of ${10} commands in ${elapsed.toFixed(0)} s, ${figures.progressReports} progress reports` });
    report.add({ label: 'POP3 command p50, under load', figures: [fig('loaded', p(figures.latencies, 50), 'ms')] });
    report.add({
      label: 'POP3 command p99, under load',
      figures: [fig('loaded', p(figures.latencies, 99), 'ms'), fig('alone', p(reference, 99), 'ms')],
      ratios: [{ label: 'vs one learner alone', of: 'loaded', to: 'alone' }],
      limits: [{ figure: 'loaded', below: 50 }],
      note: `${figures.latencies.length} replies; ${figures.faultedLatencies.length} fault-delayed replies (${FAULT}) left out, their p50 ${p(figures.faultedLatencies, 50)?.toFixed(0) ?? '-'} ms`,
    });
    report.note(`classroom CPU ${(classroomCpu / elapsed * 100).toFixed(0)}% of one core over the run; the generator's own event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`);
    report.note(`p99 by command: ${Object.entries(figures.byKeyword).map(([k, v]) => `${k} ${percentile(v, 99).toFixed(1)} ms`).join(', ')}`);
    report.add({ label: 'Dashboard update delay p50', figures: [fig('dashboard', p(figures.dashboardDelays, 50), 'ms')] });
    report.add({ label: 'Dashboard update delay p99', figures: [fig('dashboard', p(figures.dashboardDelays, 99), 'ms')], limits: [{ figure: 'dashboard', below: 1000 }], note: `${figures.dashboardDelays.length} of ${figures.progressReports} reports seen on the dashboard` });
    report.add({ label: 'Classroom RSS', figures: [fig('idle', rssIdle, 'MiB'), fig('peak', rssPeak, 'MiB')] });
    report.note(`misbehaving: ${MISBEHAVING.slow} slow clients cut ${figures.misbehaving.slow} times, ${MISBEHAVING.garbage} garbage clients sent ${figures.misbehaving.garbage} connections, ${MISBEHAVING.wrongCodes} wrong-code clients made ${figures.misbehaving.wrongCodes} attempts (answers ${JSON.stringify(figures.misbehaving.wrongCodeAnswers)})`);
    report.note(figures.errors.length === 0 ? 'learners met no error' : `learners met ${figures.errors.length} errors, first: ${figures.errors.slice(0, 3).join(' | ')}`);
    report.noteLoad('at the end');
  } finally {
    await classroom.stop();
    rmSync(data, { recursive: true, force: true });
  }
  await report.finish();
}

/** One instructor POST with the token. */
async function fetchJson(host: string, port: number, route: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(`http://${host}:${port}${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

main().catch((error: unknown) => {
  process.stderr.write(`workshop bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
