import { CodedError } from '../src/protocol/errors';

/**
 * A classroom failure with a stable code: a bad roster (`ROSTER_INVALID`), an unreadable or
 * busy data folder (`DATA_UNREADABLE`, `DATA_IN_USE`), a bad option (`BAD_OPTION`), a refused
 * request (`JOIN_REFUSED`, `NOT_FOUND`, ...). Its message says what to do.
 */
export class WorkshopError extends CodedError {}

/** A refusal of an HTTP request: its status and a message for the learner or instructor. */
export class HttpRefusal extends WorkshopError {
  readonly status: number;
  /** Seconds the client should wait before trying again (`Retry-After`). */
  readonly retryAfter: number | undefined;
  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(code, message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}
