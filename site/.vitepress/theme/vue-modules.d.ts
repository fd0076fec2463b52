// Single-file components, as the theme imports them (Vite compiles them; tsc sees components).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
