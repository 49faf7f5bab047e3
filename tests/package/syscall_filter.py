"""Prints the system calls of USED (one a line) that the systemd filter GROUP
(e.g. @system-service) would refuse; nothing when all are allowed. The groups
come from `systemd-analyze syscall-filter` of this machine.

usage: syscall_filter.py GROUP USED
"""
import subprocess
import sys

listing = subprocess.run(['systemd-analyze', 'syscall-filter'], capture_output=True, text=True, check=True).stdout
groups, current = {}, None
for line in listing.splitlines():
    if line.startswith('@'):
        current = line.strip()
        groups[current] = set()
    elif current and line.strip() and not line.strip().startswith('#'):
        groups[current].add(line.strip())


def expand(group, seen=()):
    calls = set()
    for item in groups.get(group, ()):
        if item.startswith('@'):
            if item not in seen:
                calls |= expand(item, seen + (group,))
        else:
            calls.add(item)
    return calls


allowed = expand(sys.argv[1])
if not allowed:
    sys.exit(f'syscall_filter: no group {sys.argv[1]}')
with open(sys.argv[2]) as f:
    used = {line.strip() for line in f if line.strip()}
for call in sorted(used - allowed):
    print(call)
