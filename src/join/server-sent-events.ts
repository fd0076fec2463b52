/** One server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads server-sent events from a text stream until it ends, calling `onEvent` for each
 * (HTML Living Standard, "Parsing an event stream"): `event`, `data` (lines joined with LF) and
 * `id` fields; comment lines (`:`) and unknown fields are skipped.
 */
export async function readServerSentEvents(stream: AsyncIterable<string>, onEvent: (event: ServerSentEvent) => void): Promise<void> {
  let buffer = '';
  let event = 'message';
  let data: string | undefined;
  let id: string | undefined;
  for await (const chunk of stream) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data !== undefined) onEvent({ event, data, ...(id !== undefined ? { id } : {}) });
        event = 'message';
        data = undefined;
        id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      else if (field === 'id') id = value;
    }
  }
}
