#!/bin/sh
# The README's demo: a throwaway sshd on loopback and a forward through it.
echo "sshfwd demo: the launcher is not built yet; see README.md" >&2
exit 2
