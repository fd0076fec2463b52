import type { Classroom } from '../classroom';
import { learnerRow, lessonColumns, roomRows, roomSettings, roomTroubles, stuckQueue } from '../dashboard-model';
import { DASHBOARD_BATCH_MS } from '../limits';
import { encodeEvent } from './event-stream';
import type { EventStream } from './event-stream';

/** How often the stuck queue is looked at again without any change (idle learners become stuck by time alone). */
const STUCK_REFRESH_MS = 5_000;

/**
 * Keeps the instructor dashboards and room views up to date: a snapshot when one connects,
 * then the changed rows, the stuck queue and the room's troubles, gathered for
 * {@link DASHBOARD_BATCH_MS} and sent together (one serialisation for every viewer).
 */
export class DashboardFeed {
  readonly #classroom: Classroom;
  readonly #dashboards = new Set<EventStream>();
  readonly #rooms = new Set<EventStream>();
  readonly #dirty = new Set<string>();
  #roomDirty = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #refresh: NodeJS.Timeout;
  readonly #unsubscribe: () => void;

  constructor(classroom: Classroom) {
    this.#classroom = classroom;
    this.#unsubscribe = classroom.onChange((change) => {
      if (change.kind === 'learner') this.#dirty.add(change.id);
      else this.#roomDirty = true;
      this.#schedule();
    });
    this.#refresh = setInterval(() => {
      if (this.#dashboards.size > 0) void this.#sendStuck();
    }, STUCK_REFRESH_MS);
    this.#refresh.unref();
  }

  /** Adds an instructor dashboard: the whole picture now, then changes. */
  async addDashboard(stream: EventStream): Promise<void> {
    const classroom = this.#classroom;
    stream.send('snapshot', {
      lessons: lessonColumns(classroom),
      rows: classroom.learners.map((l) => learnerRow(classroom, l)),
      stuck: await stuckQueue(classroom),
      troubles: roomTroubles(classroom),
      room: roomSettings(classroom),
      at: Date.now(),
    });
    this.#dashboards.add(stream);
    void stream.closed.then(() => this.#dashboards.delete(stream));
  }

  /** Adds a read-only room view: lessons and rows only, names hidden when the instructor says so. */
  addRoom(stream: EventStream): void {
    const classroom = this.#classroom;
    stream.send('snapshot', { lessons: lessonColumns(classroom), rows: roomRows(classroom), release: classroom.settings.release, at: Date.now() });
    this.#rooms.add(stream);
    void stream.closed.then(() => this.#rooms.delete(stream));
  }

  close(): void {
    this.#unsubscribe();
    clearInterval(this.#refresh);
    if (this.#timer) clearTimeout(this.#timer);
    for (const stream of [...this.#dashboards, ...this.#rooms]) stream.close();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, DASHBOARD_BATCH_MS);
  }

  async #flush(): Promise<void> {
    const classroom = this.#classroom;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    const roomDirty = this.#roomDirty;
    this.#roomDirty = false;
    const at = Date.now();
    if (this.#dashboards.size > 0) {
      const rows = ids.flatMap((id) => {
        const learner = classroom.learner(id);
        return learner ? [learnerRow(classroom, learner)] : [];
      });
      if (rows.length > 0) this.#broadcast(this.#dashboards, 'rows', { rows, at });
      if (roomDirty) this.#broadcast(this.#dashboards, 'room', { ...roomSettings(classroom), at });
      this.#broadcast(this.#dashboards, 'troubles', roomTroubles(classroom));
      await this.#sendStuck();
    }
    if (this.#rooms.size > 0) this.#broadcast(this.#rooms, 'rows', { rows: roomRows(classroom), release: classroom.settings.release, at });
  }

  async #sendStuck(): Promise<void> {
    this.#broadcast(this.#dashboards, 'stuck', await stuckQueue(this.#classroom));
  }

  #broadcast(streams: Set<EventStream>, event: string, data: unknown): void {
    if (streams.size === 0) return;
    const frame = encodeEvent(event, data);
    for (const stream of streams) stream.sendEncoded(frame);
  }
}
