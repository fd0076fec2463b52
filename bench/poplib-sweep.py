#!/usr/bin/env python3
"""Logs in with Python's poplib and RETRs every message; prints one JSON line.

Usage: poplib-sweep.py HOST PORT USER PASSWORD
Output: {"seconds": <connect through QUIT>, "bytes": <message octets>, "messages": <count>,
         "cpuSeconds": <process CPU over the same span>}
The same script measures the sandbox and Dovecot, so the figures compare the servers.
"""
import json
import poplib
import sys
import time


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    start = time.perf_counter()
    cpu_start = time.process_time()
    pop = poplib.POP3(host, port, timeout=60)
    pop.user(user)
    pop.pass_(password)
    count, _size = pop.stat()
    total = 0
    for number in range(1, count + 1):
        _status, lines, octets = pop.retr(number)
        total += octets
    pop.quit()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "bytes": total, "messages": count, "cpuSeconds": cpu_seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
