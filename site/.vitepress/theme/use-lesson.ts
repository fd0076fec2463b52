/** The lesson page controller of the current page, for its components. */
import { computed, onMounted } from 'vue';
import type { ComputedRef } from 'vue';
import { useData } from 'vitepress';
import type { LessonPageData } from '../../../scripts/docs/lesson-page';
import { pageFor } from './lesson-state';
import type { LessonPage } from './lesson-state';
import type { RuntimeAssets } from '../../runtime/page-runtime';

export function useLesson(): ComputedRef<LessonPage> {
  const { frontmatter, theme } = useData();
  const page = computed(() => pageFor(frontmatter.value.lesson as LessonPageData, theme.value.runtime as RuntimeAssets));
  onMounted(() => page.value.loadStoredProgress());
  return page;
}
