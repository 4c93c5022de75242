"""Load from wrk (https://github.com/wg/wrk, Debian package `wrk`): find it, run it, read it.

wrk's own summary rounds and changes units; a small Lua `done` hook prints the exact figures
on one line instead, which is what `parse` reads.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from django.core.management import CommandError

INSTALL_HINT = "Install wrk: `sudo apt-get install wrk` (Debian, Ubuntu) or `brew install wrk`."

# Called once at the end of a run with the totals; times are in microseconds.
SUMMARY_SCRIPT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk-summary requests=%d duration_us=%d bytes=%d status=%d connect=%d read=%d write=%d "
    .. "timeout=%d p50_us=%d p99_us=%d\\n",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""

_SUMMARY_LINE = re.compile(r"^wrk-summary (.*)$", re.M)


@dataclass(frozen=True)
class Run:
    """One wrk run's figures."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int  # wrk counts responses with a status of 400 or more
    errors: int  # connections refused or broken

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output):
    """The figures of a run from wrk's output (with SUMMARY_SCRIPT loaded)."""
    match = _SUMMARY_LINE.search(output)
    if match is None:
        raise ValueError(f"no wrk-summary line in wrk's output:\n{output}")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}
    return Run(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        non_2xx=values["status"],
        errors=values["connect"] + values["read"] + values["write"] + values["timeout"],
    )


def find(log=print):
    """The wrk executable; installed with apt-get when missing and we are root."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing it with apt-get…")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        path = shutil.which("wrk")
        if path:
            return path
    raise CommandError(f"The benchmark drives its load with wrk, which is not installed. "
                       f"{INSTALL_HINT}")  # fmt: skip


def run(wrk, url, *, connections, seconds, script, headers=()):
    """Load `url` from `connections` connections for `seconds` seconds."""
    command = [
        wrk, f"--threads={min(2, connections)}", f"--connections={connections}",
        f"--duration={seconds}s", f"--script={script}",
        # Every response that comes back within the run counts, however slow: a page slower
        # than the whole run has no latency rather than an invented one.
        f"--timeout={seconds + 5}s",
    ]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    finished = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    )
    if finished.returncode != 0:
        raise CommandError(f"wrk failed on {url}: {finished.stderr or finished.stdout}")
    return parse(finished.stdout)
