/**
 * Helpers shared by the lessons: pure functions over the facts a check receives, common
 * mistakes, and the REPL lines their examples repeat. Like a lesson.ts, these files import
 * project code as types only, so loading a lesson still runs none of it.
 */
export * from './values';
export * from './seed-messages';
export * from './mistakes';
export * from './examples';
