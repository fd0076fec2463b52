import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, Pop3ReplyError, Pop3TimeoutError, TlsError } from '../../src/client/errors';
import {
  AUTOLOGOUT_MS,
  CodedError,
  CLIENT_MAX_STATUS_LINE,
  InvalidArgumentError,
  LineTooLongError,
  MalformedReplyError,
  MAX_COMMAND_LINE,
  MAX_SASL_LINE,
  MAX_STATUS_LINE,
  MAX_UID_LENGTH,
  MAX_UNTERMINATED_INPUT,
  MessageTooLargeError,
  Pop3Error,
  ProtocolError,
  TransportError,
} from '../../src/protocol';
import { LessonFormatError } from '../../src/tutor/lesson-format';
import { SandboxError } from '../../sandbox-server/errors';

describe('typed errors', () => {
  it('carry stable codes, their class name and readable messages', () => {
    const cases: [Pop3Error, string, string, string][] = [
      [new LineTooLongError('status line', 512), 'LINE_TOO_LONG', 'LineTooLongError', 'status line longer than 512 octets'],
      [new MalformedReplyError('expected +OK'), 'MALFORMED_REPLY', 'MalformedReplyError', 'malformed reply: expected +OK'],
      [new MessageTooLargeError(1024), 'MESSAGE_TOO_LARGE', 'MessageTooLargeError', 'message larger than the 1024-octet maximum'],
      [new InvalidArgumentError('bad'), 'INVALID_ARGUMENT', 'InvalidArgumentError', 'bad'],
    ];
    for (const [error, code, name, message] of cases) {
      expect(error).toBeInstanceOf(Pop3Error);
      expect(error).toBeInstanceOf(Error);
      expect({ code: error.code, name: error.name, message: error.message }).toEqual({ code, name, message });
    }
  });

  it('group the wire-format errors under ProtocolError', () => {
    expect(new LineTooLongError('x', 1)).toBeInstanceOf(ProtocolError);
    expect(new MalformedReplyError('x')).toBeInstanceOf(ProtocolError);
    expect(new MessageTooLargeError(1)).toBeInstanceOf(ProtocolError);
    expect(new InvalidArgumentError('x')).not.toBeInstanceOf(ProtocolError);
  });

  it('share one root, CodedError; transport failures are TransportErrors, other errors are not POP3 errors', () => {
    const reply = { ok: false, status: '-ERR', text: 'no', line: '-ERR no', lines: [] } as unknown as ConstructorParameters<typeof Pop3ReplyError>[1];
    for (const transport of [new ConnectionClosedError('STAT', 'closed'), new Pop3TimeoutError('STAT', 10), new TlsError('bad certificate')]) {
      expect(transport).toBeInstanceOf(TransportError);
      expect(transport).toBeInstanceOf(Pop3Error);
    }
    expect(new Pop3ReplyError('STAT', reply)).not.toBeInstanceOf(TransportError);
    expect(new MalformedReplyError('x')).not.toBeInstanceOf(TransportError);
    for (const other of [new LessonFormatError('bad'), new SandboxError('BAD_OPTION', 'bad')]) {
      expect(other).toBeInstanceOf(CodedError);
      expect(other).not.toBeInstanceOf(Pop3Error);
    }
    expect(new TransportError('X', 'y')).toBeInstanceOf(CodedError);
  });

  it('keep the limit they enforce, and a cause when given one', () => {
    expect(new LineTooLongError('x', 255).limit).toBe(255);
    expect(new MessageTooLargeError(99).limit).toBe(99);
    const cause = new Error('socket');
    expect(new Pop3Error('X', 'y', { cause }).cause).toBe(cause);
  });
});

describe('limits', () => {
  it('match the RFC numbers', () => {
    expect(MAX_COMMAND_LINE).toBe(255); // RFC 2449 §4
    expect(MAX_STATUS_LINE).toBe(512); // RFC 1939 §3
    expect(MAX_UID_LENGTH).toBe(70); // RFC 1939 §7
    expect(AUTOLOGOUT_MS).toBeGreaterThanOrEqual(10 * 60 * 1000); // RFC 1939 §3
  });

  it('order the line limits sensibly', () => {
    expect(MAX_SASL_LINE).toBeGreaterThan(MAX_COMMAND_LINE);
    expect(CLIENT_MAX_STATUS_LINE).toBeGreaterThan(MAX_STATUS_LINE);
    expect(MAX_UNTERMINATED_INPUT).toBeGreaterThan(MAX_SASL_LINE);
  });
});
