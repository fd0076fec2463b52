import type { ExtensionHost, ReplExtension } from '../repl/extension';
import type { JoinedClassroom } from './join-classroom';

/**
 * The REPL in a classroom: `.help-me [message]` raises a hand on the instructor's dashboard,
 * `.classroom [offline|online]` tells where the REPL stands and switches to the embedded
 * sandbox and back, lessons the instructor has not released stay closed, the instructor's
 * notices and moves reach the prompt, and every check reports evaluations, mistakes and errors.
 */
export function classroomExtension(joined: JoinedClassroom): ReplExtension {
  let host: ExtensionHost | undefined;
  // Errors are facts of a lesson visit; each one is reported once (they are the same objects from check to check).
  const reported = new WeakSet<object>();
  return {
    commands: [
      {
        name: 'help-me',
        args: '[message]',
        help: 'Raise your hand on the instructor\'s dashboard (with your last commands); a mentor comes by',
        run: async (arg) => host?.notice(await joined.helpMe(arg.trim())),
      },
      {
        name: 'classroom',
        args: '[offline|online]',
        help: 'Your classroom link; offline works on the embedded sandbox while the classroom is out of reach, online goes back',
        run: async (arg) => {
          const word = arg.trim().toLowerCase();
          try {
            if (word === 'offline') {
              await joined.goOffline();
              host?.notice('Working offline: `sandbox` now reaches the embedded sandbox, in this lesson\'s start state. Progress is kept and sent when the classroom is back. `.classroom online` goes back.');
            } else if (word === 'online') {
              await joined.goOnline();
              host?.notice('Back in the classroom: `sandbox` reaches your classroom mailboxes again (in this lesson\'s start state).');
            } else if (word === '') {
              host?.notice([...joined.status(), 'Classroom commands: .help-me [message], .classroom [offline|online], .progress export FILE'].join('\n'));
            } else host?.notice('Usage: .classroom [offline|online]');
          } catch (error) {
            host?.notice(`The classroom does not answer yet (${(error as Error).message}); stay offline and try again in a moment.`);
          }
        },
      },
    ],
    mayEnter(lesson) {
      const visited = host?.session.progress.lessons[lesson.id] !== undefined;
      return joined.mayEnter(lesson.number, visited);
    },
    checked(lesson, outcome, explicit) {
      const fresh = (host?.session.facts().repl.errors ?? []).filter((e) => !reported.has(e));
      for (const e of fresh) reported.add(e);
      const texts = fresh.map((e) => (e.responseCode ? `${e.code} [${e.responseCode}]` : e.code));
      if (!explicit || outcome.mistake || texts.length > 0) joined.reporter.evaluated(lesson?.id, outcome.mistake?.id, texts);
    },
    attach(replHost) {
      host = replHost;
      joined.onNotice((text) => replHost.notice(text));
      joined.onGoto((number) => replHost.goToLesson(String(number)));
      replHost.notice(`Joined the classroom as ${joined.info.learner.name}. .help-me raises your hand; .classroom shows the link.`);
    },
    close: () => joined.close(),
  };
}
