/**
 * The lesson engine's core: lesson types and the format's rules, goal evaluation over facts,
 * progress as a value, and the lesson session that ties them together. Pure (no Node module, no Node global), so every front end shares it;
 * reading folders and files is in ./node.
 */
export * from './lesson';
export * from './lesson-format';
export * from './facts';
export * from './goals';
export * from './progress';
export * from './progress-merge';
export * from './progress-store';
export * from './lesson-session';
export * from './exercise';
export * from './exercise-unit';
export * from './seed-facts';
export * from './seen';
