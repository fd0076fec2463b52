/**
 * REPL lines that connect a client named `client` and log it in with USER and PASS
 * (RFC 1939 §7), as a mistake's example or a solution types them.
 */
export function loginLines(client = 'pop', user = 'alice', password = 'wonderland'): string[] {
  return [`const ${client} = await connect(sandbox)`, `await ${client}.user('${user}')`, `await ${client}.pass('${password}')`];
}

/** Two clients, `a` and `b`, logging in to alice's maildrop one after the other: the second meets `[IN-USE]` (RFC 1939 §4). */
export const LOGIN_TWICE: readonly string[] = [...loginLines('a'), ...loginLines('b')];
