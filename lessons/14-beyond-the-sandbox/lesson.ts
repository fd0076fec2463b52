import type { LessonDefinition } from '../../src/tutor';

/** A reading lesson: no goals, so it is done once read. Its examples are not run. */
const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'Beyond the sandbox',
  summary: 'Pointing the playground at a real provider safely: TLS, app passwords and OAuth, keeping mail on the server, rate limits',
  rfc: ['RFC 8314 §3.1', 'RFC 2595 §2.4', 'RFC 1939 §6', 'RFC 2449 §6.5', 'RFC 7628'],
};

export default lesson;
