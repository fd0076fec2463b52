/** Where the docs site lives and where its generated files go (none of them committed). */
import * as path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');
/** The VitePress source folder. */
export const SITE_DIR = path.join(REPO_ROOT, 'site');
/** One generated page per lesson, and the lesson index. */
export const LESSON_PAGES_DIR = path.join(SITE_DIR, 'lessons');
/** The lessons in order, for the sidebar (read by site/.vitepress/config.mts). */
export const NAV_FILE = path.join(SITE_DIR, '.vitepress', 'lessons.json');
/** The static build, written by `vitepress build`. */
export const DIST_DIR = path.join(SITE_DIR, '.vitepress', 'dist');
