// Injected into browser bundles: the npm `buffer` package as the global `Buffer`.
export { Buffer } from 'buffer';
