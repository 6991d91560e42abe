"""Runs a command in a pseudo-terminal of a given size and prints everything it wrote (raw bytes) to stdout.

usage: pty-run.py COLUMNS ROWS INTERRUPT_WHEN COMMAND...
INTERRUPT_WHEN: send Ctrl-C once the output contains this text ("" never), so the test does not depend on timing.
The command's exit status is printed to stderr as "exit: N" (or "signal: N").
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns, rows, interrupt_when = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
command = sys.argv[4:]

pid, fd = pty.fork()
if pid == 0:
    # The size is set on the child's side before it starts, so its first look at the terminal sees it.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.execvp(command[0], command)

sent = False
seen = b""
out = sys.stdout.buffer
while True:
    if interrupt_when and not sent and interrupt_when in seen:
        os.write(fd, b"\x03")
        sent = True
    ready, _, _ = select.select([fd], [], [], 0.05)
    if not ready:
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out.write(data)
    if interrupt_when and not sent:
        seen = (seen + data)[-4096:]
out.flush()
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status):
    sys.stderr.write(f"exit: {os.WEXITSTATUS(status)}\n")
else:
    sys.stderr.write(f"signal: {os.WTERMSIG(status)}\n")
