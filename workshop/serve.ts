import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSeed } from '../sandbox-server';
import { isLoopback } from '../src/protocol/address';
import { loadLessons } from '../src/tutor/node';
import { Classroom } from './classroom';
import { openDataFolder } from './data-folder';
import { WorkshopError } from './errors';
import { writeFileAtomic } from './files';
import { startClassroomServer } from './http/classroom-server';
import type { ClassroomServer } from './http/classroom-server';
import { prepareInstall } from './install';
import { DEFAULT_IDLE_MINUTES } from './limits';
import type { RosterEntry } from './roster';
import { numberedRoster, parseRoster } from './roster';
import { slipsHtml } from './slips';
import { caPin, classroomNames, loadOrCreateCertificates } from './tls-files';

/** Options of {@link serveClassroom} (`npm run workshop -- serve`). */
export interface ServeOptions {
  roster?: string;
  learners?: number;
  host: string;
  port: number;
  data: string;
  tlsNames: string[];
  idleMinutes?: number;
  perAddressCap?: number;
  lessonsDir: string;
  /** Serves `/install` (the project with an npm cache of its dependencies), made in the background; off in tests that do not need it. */
  install?: boolean | { root: string };
}

/** A running classroom and the addresses it printed. */
export interface RunningClassroom {
  classroom: Classroom;
  server: ClassroomServer;
  joinUrl: string;
  instructorUrl: string;
  roomUrl: string;
  slips: string;
  close(): Promise<void>;
}

/**
 * Starts the classroom: reads the roster (all of it checked before anything is written), opens
 * the data folder (merging the roster in), loads the lessons, makes or reuses the CA and
 * certificates, writes the slips, and listens. `say` receives the lines to print.
 * @throws WorkshopError naming what to fix.
 */
export async function serveClassroom(options: ServeOptions, say: (line: string) => void): Promise<RunningClassroom> {
  let roster: RosterEntry[] | undefined;
  if (options.roster !== undefined && options.learners !== undefined) throw new WorkshopError('BAD_OPTION', 'give --roster FILE or --learners N, not both');
  if (options.roster !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(options.roster);
    } catch (error) {
      throw new WorkshopError('ROSTER_INVALID', `cannot read the roster ${options.roster}: ${(error as Error).message}`);
    }
    roster = parseRoster(bytes, options.roster);
  } else if (options.learners !== undefined) roster = numberedRoster(options.learners);
  const loaded = await loadLessons(options.lessonsDir);
  for (const problem of loaded.problems) say(`warning: ${problem.path}: ${problem.reason}`);
  if (loaded.lessons.length === 0) throw new WorkshopError('BAD_OPTION', `no lesson loaded from ${options.lessonsDir}`);
  const data = await openDataFolder(options.data, roster);
  let classroom: Classroom | undefined;
  try {
    const names = classroomNames(options.host, options.tlsNames);
    const certificates = await loadOrCreateCertificates(data.paths.tls, names);
    const seed = await loadSeed();
    classroom = Classroom.open({ data, lessons: loaded.lessons, certificates, idleMinutes: options.idleMinutes ?? DEFAULT_IDLE_MINUTES, passwords: seed.accounts.map((a) => a.password) });
    const pin = caPin(certificates.ca);
    const joinHost = publicHost(options.host);
    const localHost = isLoopback(options.host) || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : joinHost;
    const install = options.install
      ? prepareInstall({ dir: path.join(data.paths.root, 'install'), say, ...(typeof options.install === 'object' ? { root: options.install.root } : {}) })
      : undefined;
    const server = await startClassroomServer({
      classroom,
      host: options.host,
      port: options.port,
      tls: certificates,
      joinUrl: (port) => `http://${bracket(joinHost)}:${port}/?ca=${pin}`,
      ...(options.perAddressCap !== undefined ? { perAddressCap: options.perAddressCap } : {}),
      ...(install ? { install } : {}),
      onError: (error) => say(`error: ${(error as Error).stack ?? String(error)}`),
    });
    const joinUrl = `http://${bracket(joinHost)}:${server.port}/?ca=${pin}`;
    const base = `http://${bracket(localHost)}:${server.port}`;
    const running: RunningClassroom = {
      classroom,
      server,
      joinUrl,
      instructorUrl: `${base}/i/${data.settings.instructorToken}`,
      roomUrl: `${base}/r/${data.settings.roomToken}`,
      slips: data.paths.slips,
      close: async () => {
        await server.close();
        await classroom!.close();
      },
    };
    writeFileAtomic(data.paths.slips, slipsHtml('pop3-playground workshop', joinUrl, data.learners));
    const total = data.learners.length;
    say(`pop3-playground classroom: ${total} learner${total === 1 ? '' : 's'}${data.added.length > 0 && data.added.length < total ? ` (${data.added.length} new)` : ''}, ${loaded.lessons.length} lessons, data in ${data.paths.root}`);
    say(`  Learners join with:    npm start -- --join ${joinUrl} --code CODE`);
    say(`  Join slips to print:   ${data.paths.slips}`);
    say(`  Instructor dashboard:  ${running.instructorUrl}   (keep it to yourself)`);
    say(`  Room view (projector): ${running.roomUrl}`);
    if (install) say(`  Offline install:       ${new URL('/install', joinUrl).href}`);
    if (isLoopback(options.host)) say('  Listening on loopback only: learners on other machines need --host 0.0.0.0 (or this machine\'s address).');
    else if (localHost !== joinHost) say(`  From a phone or another laptop, use ${joinHost} instead of ${localHost} in the instructor and room URLs.`);
    say('Ready. Ctrl-C stops the classroom; the same command starts it again where it stopped.');
    return running;
  } catch (error) {
    if (classroom) await classroom.close();
    else await data.release();
    throw error;
  }
}

/** The address learners use: the listen address, or this machine's first LAN address when it listens on all. */
function publicHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (!address.internal && address.family === 'IPv4') return address.address;
  }
  return '127.0.0.1';
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The lessons folder shipped with the playground. */
export const DEFAULT_LESSONS_DIR = path.join(__dirname, '..', 'lessons');
