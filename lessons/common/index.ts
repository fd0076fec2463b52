/**
 * Helpers shared by the lessons: pure functions over the facts a check receives, common
 * mistakes, and the REPL lines their examples repeat. Like a lesson.ts, these files import
 * project code as types only and no Node module, so loading a lesson runs none of it and the
 * lessons run in a browser too.
 */
export * from './values';
export * from './seed-messages';
export * from './mistakes';
export * from './examples';
export * from './md5';
export * from './checks';
export * from './exercise-calls';
