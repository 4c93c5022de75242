"""gunicorn started with the shipped configuration (config/gunicorn.py), watched through /proc."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError

from blog.bench.browser import get

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    """A TCP port nobody listens on at the moment, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`gunicorn -c config/gunicorn.py config.wsgi` with `env`, output to `log_path`."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = Path(log_path)
        self.address = env["GUNICORN_BIND"]
        self.process = None

    @property
    def origin(self):
        return f"http://{self.address}"

    def start(self, timeout=60):
        """Start the master and its workers; return once the home page answers."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C reaches the benchmark, which stops it
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped at startup:\n{self.log_tail()}")
            try:
                if get(self.origin + "/", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self, quick=False):
        """Stop gunicorn: gracefully (workers finish their request), or at once."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT if quick else signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def workers(self):
        """Process ids of the master's workers at this moment."""
        return [pid for pid, parent in _parents().items() if parent == self.process.pid]

    def wait_until_idle(self, quiet_seconds=0.5, timeout=180):
        """Wait until the workers stop using CPU (False if they are still at it after
        `timeout` seconds): requests a client gave up on are still served."""
        deadline = time.monotonic() + timeout
        before = _cpu_seconds(self.workers())
        while time.monotonic() < deadline:
            time.sleep(quiet_seconds)
            after = _cpu_seconds(self.workers())
            busy = sum(after[pid] - before.get(pid, 0) for pid in after)
            # A new worker (one was recycled or timed out) counts as busy: it is starting.
            if after.keys() == before.keys() and busy < 0.1 * quiet_seconds:
                return True
            before = after
        return False

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def memory_mb(pid):
    """A process's memory in megabytes: (resident, unique). Resident (VmRSS) counts every
    page the process maps, the ones it shares with gunicorn's master and the other workers
    included; unique (private pages, from smaps_rollup) is what the worker adds on its own."""
    resident = unique = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            resident = int(line.split()[1]) / 1024
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:  # an older kernel: unique memory unknown
        return resident, None
    for line in rollup:
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            unique += int(line.split()[1]) / 1024
    return resident, unique


def _parents():
    """{pid: parent pid} for every process we can see."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The name, in parentheses, may contain spaces: fields start after its ")".
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _cpu_seconds(pids):
    """{pid: user + system CPU seconds used so far}."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used
