"""Runs a command in a pseudo-terminal of a given size and prints everything it wrote (raw bytes) to stdout.

usage: pty-run.py COLUMNS ROWS INTERRUPT_AFTER_SECONDS COMMAND...   (a negative delay: never send Ctrl-C)
The command's exit status is printed to stderr as "exit: N" (or "signal: N").
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

columns, rows, interrupt_after = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
command = sys.argv[4:]

pid, fd = pty.fork()
if pid == 0:
    # The size is set on the child's side before it starts, so its first look at the terminal sees it.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.execvp(command[0], command)

started = time.monotonic()
sent = False
out = sys.stdout.buffer
while True:
    if interrupt_after >= 0 and not sent and time.monotonic() - started >= interrupt_after:
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
out.flush()
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status):
    sys.stderr.write(f"exit: {os.WEXITSTATUS(status)}\n")
else:
    sys.stderr.write(f"signal: {os.WTERMSIG(status)}\n")
