/** The lesson engine: lesson types, loading and validation, goal evaluation over facts, progress. */
export * from './lesson';
export * from './facts';
export * from './goals';
export * from './loader';
export * from './progress';
export * from './exercise';
export * from './seed-facts';
