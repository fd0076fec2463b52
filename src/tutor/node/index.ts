/**
 * The lesson engine on Node: lesson folders, the progress file, the bundled seed, and the
 * workspace of file exercises. The pure core is ../index.
 */
export * from './lesson-folders';
export * from './progress-file';
export * from './file-lock';
export * from './state-dir';
export * from './bundled-seed';
export * from './exercise-files';
export * from './exercise-check';
export * from './exercise-units';
