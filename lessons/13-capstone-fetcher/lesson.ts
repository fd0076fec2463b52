import type { LessonDefinition } from '../../src/tutor';

/**
 * The capstone's prose: the program itself is a file exercise beside it
 * (exercises/fetcher/), written in the learner's editor and checked by `npm run exercises`
 * or `.exercise`. No goals here, so the lesson is done once read.
 */
const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'Capstone: a fetcher that leaves mail on the server',
  summary: 'Sync new mail by UIDL into a Maildir, resume after a dropped connection, clean up old mail (a file exercise)',
  rfc: ['RFC 1939 §5', 'RFC 1939 §6', 'RFC 1939 §7', 'RFC 5322 §3.6.1'],
};

export default lesson;
