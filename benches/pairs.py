#!/usr/bin/env python3
"""Whole runs of several commands, interleaved: the comparisons of BENCHMARKS.md
quoted as "rounds" (`pairs`).

    benches/pairs.py ROUNDS 'command one' 'command two' ...

Each round runs every command once, in the order given, and the next round in
the reverse order: on this project's shared 2-core machine the run that comes
right after a large one often pays twice the system time, so a fixed order
would favour one command. For each command it prints the median wall time
(min … max over the rounds), the median user and system time and peak
resident memory, and the md5 of its standard output (several values, or
`!rcN` for an exit status N other than 0, show that the runs did not all
answer alike). Commands run through the shell, without their standard
error, under GNU time (`/usr/bin/time`), which reports the peak: the peak
`wait4` gives a child of this script counts the memory of the Python process
it was forked from (about 18 MiB) until it runs the command. So wall times
include GNU time's start (about a millisecond): use hyperfine for commands
that take a few milliseconds.
"""

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rounds, commands = int(sys.argv[1]), sys.argv[2:]
    runs = {c: [] for c in commands}
    answers = {c: set() for c in commands}
    peak_file = tempfile.NamedTemporaryFile(prefix="pairs-", suffix=".peak")
    for r in range(rounds):
        for c in commands if r % 2 == 0 else commands[::-1]:
            timed = ["/usr/bin/time", "-f", "%M", "-o", peak_file.name, "sh", "-c", c]
            start = time.perf_counter()
            p = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            out = p.stdout.read()
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - start
            with open(peak_file.name) as f:
                # GNU time writes a line about a failed command before the figure.
                peak_kb = int(f.read().split()[-1])
            runs[c].append((wall, usage.ru_utime, usage.ru_stime, peak_kb / 1024))
            code = os.waitstatus_to_exitcode(status)
            answers[c].add(hashlib.md5(out).hexdigest()[:8] + ("" if code == 0 else f"!rc{code}"))
    for c in commands:
        wall = [w for w, _, _, _ in runs[c]]
        user = statistics.median(u for _, u, _, _ in runs[c])
        system = statistics.median(s for _, _, s, _ in runs[c])
        peak = statistics.median(m for _, _, _, m in runs[c])
        print(
            f"{statistics.median(wall) * 1000:8.1f} ms ({min(wall) * 1000:.0f} … {max(wall) * 1000:.0f})"
            f"  user {user:.3f} s  sys {system:.3f} s  peak {peak:.0f} MiB"
            f"  md5 {','.join(sorted(answers[c]))}  {c}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
