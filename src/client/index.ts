/** The POP3 client: connect(), Pop3Client and its helpers. */
export * from './portable';
export { connect, DEFAULT_CONNECT_TIMEOUT_MS } from './connect';
