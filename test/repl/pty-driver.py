"""Runs a command in a real pseudo-terminal and plays a script against it.

Reads a JSON script on stdin: {"argv": [...], "env": {...}, "cols": 100, "rows": 40,
"steps": [{"send": "text"} | {"expect": "regex", "timeout": seconds} | {"pause": seconds} | {"resize": cols}],
"timings": path?}.
With "timings", the seconds from the last send to each expectation's match are written there
as a JSON list.
Writes everything the program printed to stdout. Exits 0 when every expectation was met
and the program ended, 1 with a message on stderr naming the step that timed out.
"""
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import fcntl
import termios
import time

script = json.load(sys.stdin)
env = dict(os.environ)
for key, value in script.get("env", {}).items():
    if value is None:
        env.pop(key, None)  # null unsets a variable
    else:
        env[key] = value
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(script["argv"][0], script["argv"], env)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", script.get("rows", 40), script.get("cols", 100), 0, 0))
seen = b""
cursor = 0  # expectations match output after the previous match
sent_at = time.monotonic()
timings = []


def read_some(deadline):
    global seen
    remaining = max(0.0, deadline - time.monotonic())
    ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
    if ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        seen += data
    return True


def fail(message):
    sys.stdout.write(seen.decode("utf-8", "replace"))
    sys.stderr.write(message + "\n")
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    sys.exit(1)


for index, step in enumerate(script["steps"]):
    if "resize" in step:  # the terminal's new width: the kernel sends the program SIGWINCH
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", script.get("rows", 40), step["resize"], 0, 0))
        continue
    if "send" in step:
        os.write(fd, step["send"].encode("utf-8"))
        sent_at = time.monotonic()
        continue
    if "pause" in step:
        # Read meanwhile, so the program never blocks on a full terminal.
        until = time.monotonic() + step["pause"]
        while time.monotonic() < until:
            read_some(until)
        continue
    pattern = re.compile(step["expect"].encode("utf-8"), re.S)
    deadline = time.monotonic() + step.get("timeout", 20)
    while True:
        match = pattern.search(seen, cursor)
        if match:
            cursor = match.end()
            timings.append(time.monotonic() - sent_at)
            break
        if time.monotonic() > deadline:
            fail("step %d: timed out waiting for %r" % (index, step["expect"]))
        if not read_some(deadline) and not pattern.search(seen, cursor):
            fail("step %d: the program ended before %r" % (index, step["expect"]))

deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    if not read_some(deadline):
        break
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        while read_some(time.monotonic() + 0.2):
            pass
        break
else:
    fail("the program did not end")
if "timings" in script:
    with open(script["timings"], "w") as out:
        json.dump(timings, out)
sys.stdout.write(seen.decode("utf-8", "replace"))
