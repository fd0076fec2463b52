// Injected into the workers' bundles: the npm `buffer` package wherever code names Node's global Buffer.
export { Buffer } from 'buffer';
