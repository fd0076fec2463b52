#!/usr/bin/env python3
"""Drives Python's standard poplib against a POP3 server, for the interop tests.

Reads one JSON object on stdin and prints one JSON object on stdout.

Input:
  host, port            where to connect
  tls                   "none" | "stls" (STLS after the greeting) | "implicit" (POP3_SSL)
  cafile                PEM file trusted for TLS; null = ssl.create_default_context() as is
                        (system CAs only), which must reject a private CA
  timeout               seconds per socket operation (default 10)
  user, password        credentials
  method                "user-pass" | "apop" | "auth-plain" | "none"
  steps                 list of [name, *args]: stat, list [n], uidl [n], top n lines, retr n,
                        retr-all, dele n, rset, noop, capa, quit

Output:
  welcome               the greeting line
  tls                   {"version", "cipher"} once TLS is active, else null
  login                 the reply to the login (PASS, APOP or AUTH), or null
  results               one entry per step: {"step", "ok": true, "value"} or
                        {"step", "ok": false, "error"} for a -ERR reply (poplib.error_proto)
  fatal                 null, or {"type", "message"} for an error that ended the run
                        (TLS verification, connection, protocol); later steps are not run

Message bytes (retr, top) are rebuilt from poplib's lines (already un-stuffed by poplib) by
ending every line with CRLF, and sent as base64.
"""

import base64
import json
import poplib
import ssl
import sys


def text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def message_value(reply):
    response, lines, octets = reply
    data = b"".join(line + b"\r\n" for line in lines)
    return {
        "response": text(response),
        "octets": octets,
        "bytes_b64": base64.b64encode(data).decode("ascii"),
    }


def listing_value(reply):
    if isinstance(reply, bytes):  # a single scan or unique-id listing
        return {"response": text(reply)}
    response, lines, _octets = reply
    return {"response": text(response), "lines": [text(line) for line in lines]}


def run_step(client, step):
    name, args = step[0], step[1:]
    if name == "stat":
        return list(client.stat())
    if name == "list":
        return listing_value(client.list(*args))
    if name == "uidl":
        return listing_value(client.uidl(*args))
    if name == "top":
        return message_value(client.top(args[0], args[1]))
    if name == "retr":
        return message_value(client.retr(args[0]))
    if name == "retr-all":
        _response, lines, _octets = client.list()
        numbers = [int(line.split()[0]) for line in lines]
        return [dict(message_value(client.retr(n)), n=n) for n in numbers]
    if name == "dele":
        return text(client.dele(args[0]))
    if name == "rset":
        return text(client.rset())
    if name == "noop":
        return text(client.noop())
    if name == "capa":
        return {text(key): [text(v) for v in values] for key, values in client.capa().items()}
    if name == "quit":
        return text(client.quit())
    raise ValueError("unknown step %r" % (name,))


def tls_context(spec):
    cafile = spec.get("cafile")
    return ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()


def login(client, spec):
    method = spec.get("method", "user-pass")
    if method == "none":
        return None
    if method == "user-pass":
        client.user(spec["user"])
        return text(client.pass_(spec["password"]))
    if method == "apop":
        return text(client.apop(spec["user"], spec["password"]))
    if method == "auth-plain":
        # poplib has no SASL helper: send the initial response ourselves (RFC 5034 §4, RFC 4616).
        token = b"\0" + spec["user"].encode("utf-8") + b"\0" + spec["password"].encode("utf-8")
        return text(client._shortcmd("AUTH PLAIN " + base64.b64encode(token).decode("ascii")))
    raise ValueError("unknown method %r" % (method,))


def main():
    spec = json.load(sys.stdin)
    out = {"welcome": None, "tls": None, "login": None, "results": [], "fatal": None}
    client = None
    try:
        timeout = spec.get("timeout", 10)
        mode = spec.get("tls", "none")
        if mode == "implicit":
            client = poplib.POP3_SSL(spec["host"], spec["port"], timeout=timeout, context=tls_context(spec))
        else:
            client = poplib.POP3(spec["host"], spec["port"], timeout=timeout)
        out["welcome"] = text(client.getwelcome())
        if mode == "stls":
            client.stls(context=tls_context(spec))
        if mode != "none":
            out["tls"] = {"version": client.sock.version(), "cipher": client.sock.cipher()[0]}
        out["login"] = login(client, spec)
        for step in spec.get("steps", []):
            try:
                out["results"].append({"step": step[0], "ok": True, "value": run_step(client, step)})
            except poplib.error_proto as error:
                out["results"].append({"step": step[0], "ok": False, "error": text(error.args[0])})
    except poplib.error_proto as error:  # a -ERR to the login, or a malformed reply
        out["fatal"] = {"type": "error_proto", "message": text(error.args[0]) if error.args else ""}
    except Exception as error:  # reported, not raised: the test decides what is expected
        out["fatal"] = {"type": type(error).__name__, "message": str(error)}
    finally:
        if client is not None and client.sock is not None:
            try:
                client.close()
            except OSError:
                pass
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
