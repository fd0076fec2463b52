/** True for an object (arrays included): something whose fields a check may read. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * True for bytes: a Uint8Array, or a Node Buffer (one). Checked by tag, since the REPL's values
 * live in their own vm context, with their own Uint8Array.
 */
export const isBytes = (v: unknown): v is Uint8Array => ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Uint8Array]';
