/** RFC 1939 §3: the three states of a POP3 session. */
export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

/** A session's state, plus CLOSED once the connection has ended. */
export type SessionState = Pop3State | 'CLOSED';

export const POP3_STATES: readonly Pop3State[] = ['AUTHORIZATION', 'TRANSACTION', 'UPDATE'];
