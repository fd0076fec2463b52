/** The POP3 client: connect(), Pop3Client and its helpers. */
export * from './portable';
export { connect } from './connect';
export { DEFAULT_CONNECT_TIMEOUT_MS } from './timing';
