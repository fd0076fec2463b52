/** The default theme, with twoslash hovers and the lesson pages' runnable parts. */
import TwoslashFloatingVue from '@shikijs/vitepress-twoslash/client';
import '@shikijs/vitepress-twoslash/style.css';
import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import LessonBar from './lesson-bar.vue';
import LessonGoals from './lesson-goals.vue';
import LessonPrompt from './lesson-prompt.vue';
import RunBlock from './run-block.vue';
import './lesson.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.use(TwoslashFloatingVue);
    app.component('LessonBar', LessonBar);
    app.component('LessonGoals', LessonGoals);
    app.component('LessonPrompt', LessonPrompt);
    app.component('RunBlock', RunBlock);
  },
} satisfies Theme;
