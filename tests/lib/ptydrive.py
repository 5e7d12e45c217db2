#!/usr/bin/env python3
"""ptydrive: run a command on a new pseudo-terminal and answer its prompts.

  ptydrive.py LOG PROMPT=ANSWER [PROMPT=ANSWER ...] -- CMD [ARGS...]

Everything the command writes to the terminal is appended to LOG. Each time
the output read so far ends with one of the PROMPTs (exact text, trailing
space included), its ANSWER and a newline are typed once (a prompt seen a
second time is answered again only if listed twice). SIGTERM is passed on to
the command; the exit status is the command's (128+N for a signal).
"""

import os
import pty
import signal
import sys


def main():
    argv = sys.argv[1:]
    if "--" not in argv or len(argv) < 3:
        sys.exit(__doc__)
    sep = argv.index("--")
    log, pairs, cmd = argv[0], argv[1:sep], argv[sep + 1:]
    todo = []
    for p in pairs:
        prompt, _, answer = p.partition("=")
        todo.append((prompt.encode(), answer.encode()))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
    seen = b""
    with open(log, "ab", buffering=0) as out:
        while True:
            try:
                data = os.read(fd, 4096)
            except InterruptedError:
                continue
            except OSError:
                break  # EIO: the command closed the terminal
            if not data:
                break
            out.write(data)
            seen += data
            for i, (prompt, answer) in enumerate(todo):
                if seen.endswith(prompt):
                    os.write(fd, answer + b"\n")
                    del todo[i]
                    seen = b""
                    break
    while True:
        try:
            _, st = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    sys.exit(os.waitstatus_to_exitcode(st) if os.WIFEXITED(st)
             else 128 + os.WTERMSIG(st))


if __name__ == "__main__":
    main()
