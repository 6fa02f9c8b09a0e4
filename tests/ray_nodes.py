"""A real Ray cluster of one or more nodes on this machine, started with `ray start` as a team
would start theirs (a head, then each further node joining its address). Used by the two-node
test and by benchmarks/scale.py.

How the nodes are kept to this machine: the head runs with RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0,
so its GCS listens on 127.0.0.1 only. A further node must run with the variable at 1 (at 0
`ray start --address` refuses to join), and then Ray rewrites a 127.0.0.1 address to the
machine's public one, where the head does not listen; the IPv4-mapped IPv6 form
[::ffff:127.0.0.1] is not rewritten and reaches the same loopback socket.

Each node starts with RAY_num_workers_soft_limit raised (engines/ray.py says why). Every node
and the driver agree on RAY_AUTH_MODE=disabled (Ray 2.60 turns token auth on by
default). `ray start --block` stops on SIGINT (not SIGTERM); `ray stop` is never used, as it
stops every Ray process of the machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

AUTH_ENV = {"RAY_AUTH_MODE": "disabled"}


def _ray_program() -> str | None:
    beside = Path(sys.executable).with_name("ray")
    return str(beside) if beside.exists() else shutil.which("ray")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RayNodes:
    address: str  # what --ray-address takes
    temp_dir: str
    processes: list[subprocess.Popen] = field(default_factory=list)
    env: dict = field(default_factory=dict)  # what a driver of this cluster needs in its environment

    def stop(self) -> None:
        for process in reversed(self.processes):  # the joined nodes first, the head last
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def __enter__(self) -> "RayNodes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _alive_nodes(address: str, env: dict) -> list[dict]:
    script = ("import json, ray; ray.init(address=%r, logging_level='ERROR', log_to_driver=False);"
              "print(json.dumps([{'cpus': n['Resources'].get('CPU', 0)} for n in ray.nodes() if n['Alive']]))"
              % address)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return []
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def _pinned(cores: list[int]):
    """A preexec_fn keeping a node (and every process it starts) on `cores`."""
    def pin() -> None:
        os.sched_setaffinity(0, cores)
    return pin


def start(nodes: int = 2, cpus_per_node: int = 1, object_store_mb: int = 300,
          timeout_s: float = 90, pin_cores: bool = False) -> tuple[RayNodes | None, str]:
    """(cluster, "") once `nodes` nodes are alive, or (None, why not).

    `pin_cores`: node n and its workers run on cores n*cpus_per_node … only, so a node of one CPU
    on this machine is one core, as on a machine of its own (otherwise --num-cpus only limits
    what Ray schedules: a 1-CPU node's extraction task and model actor run on two cores)."""
    program = _ray_program()
    if program is None:
        return None, "Ray is not installed (pip install -e '.[ray]')"
    port = _free_port()
    # Ray's Unix sockets live under the temp dir: keep its path short.
    temp_dir = tempfile.mkdtemp(prefix="rayn", dir="/tmp")
    from policy_nlp.engines.ray import SOFT_LIMIT_ENV, worker_soft_limit

    env = {**os.environ, **AUTH_ENV}
    node_env = {**env, SOFT_LIMIT_ENV: str(worker_soft_limit(cpus_per_node))}
    cluster = RayNodes(f"[::ffff:127.0.0.1]:{port}", temp_dir, env=env)
    common = [f"--num-cpus={cpus_per_node}", f"--object-store-memory={object_store_mb * 1024**2}",
              "--disable-usage-stats", "--block"]
    logs = Path(temp_dir)
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []

    def pins(n: int):
        if not pin_cores or not available:
            return None
        return _pinned([available[(n * cpus_per_node + i) % len(available)] for i in range(cpus_per_node)])

    try:
        head = [program, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1",
                "--include-dashboard=false", f"--temp-dir={temp_dir}", *common]
        cluster.processes.append(subprocess.Popen(
            head, env={**node_env, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}, start_new_session=True,
            stdout=open(logs / "head.log", "w"), stderr=subprocess.STDOUT, preexec_fn=pins(0)))
        for n in range(1, nodes):
            node = [program, "start", f"--address={cluster.address}", *common]
            cluster.processes.append(subprocess.Popen(
                node, env={**node_env, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1"}, start_new_session=True,
                stdout=open(logs / f"node{n}.log", "w"), stderr=subprocess.STDOUT, preexec_fn=pins(n)))
        deadline = time.monotonic() + timeout_s
        alive: list[dict] = []
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in cluster.processes):
                break
            alive = _alive_nodes(cluster.address, env)
            if len(alive) == nodes:
                return cluster, ""
            time.sleep(2)
        tail = (logs / "head.log").read_text(errors="replace")[-500:]
        cluster.stop()
        return None, f"Ray cluster of {nodes} nodes did not come up ({len(alive)} alive): {tail}"
    except Exception as exc:
        cluster.stop()
        return None, f"Ray cluster did not start: {type(exc).__name__}: {exc}"
