"""The Ray engine: ingest through Ray Data on a Ray cluster (one machine or many).

read (one block per file) -> every stage of the file in one pool of actors, one per CPU (the
models load once per actor, in its constructor; a batch of short text files shares one model
call) -> the driver, which hands each document to the caller to store in one transaction. On a
cluster with GPUs the plan splits: extraction and the stages without a model as CPU tasks, the
stages with models in the actor pool. The stage functions are those of pipeline.py, as the local
engine runs them.

What crosses process boundaries is one row per file: its resolved path and a pickle of
(Document or InputError, stage seconds, library warning counts), so a document's failure
travels with it like a result.

A task whose process dies (killed, out of memory) is retried by Ray up to TASK_RETRIES times;
past that its block is dropped (Data's `max_errored_blocks`) and the file is reported as failed,
so the batch goes on and nothing of it is stored.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Callable

from ..config import Pipeline
from ..errors import InputError
from . import EngineError
from .outcomes import failure, stopped, time_limit_s

TASK_RETRIES = 3
# Reservations are for placement only (each process runs one thread; extraction tasks are capped
# at one per CPU by `concurrency`). They are sized so that a node with a single CPU holds a read,
# an extraction task and one actor of each model pool at once: with more, a 1-CPU node is filled
# by actors waiting for input that no task can then produce, and the ingest hangs.
ACTOR_CPUS = 0.25
TASK_CPUS = 0.25
READ_CPUS = 0.1
# Documents per actor call. A PDF brings many passages of its own to one model call, and an actor
# waiting for eight of them left the pool idle while extraction ran, then the CPUs idle while
# it embedded (the shared corpus: 25 s against 10 s for two local workers). Short text files
# gain from sharing a call, and extract in milliseconds, so they still go eight at a time.
PDF_BATCH_DOCUMENTS = 1
TEXT_BATCH_DOCUMENTS = 8
# A raylet keeps at most this many idle worker processes, by default one per CPU. The fractional
# reservations above run more processes than CPUs (a read, extraction tasks, two actor pools), so
# with the default each extraction task's process is killed when it finishes and the next file
# pays a new Python process and its imports again (the Federal Register rule took 6.0 s instead
# of 1.9 s on a 2-node test cluster). Read by the raylet when it starts: `ray start` of each node
# of a cluster needs it in its environment (README, "Scaling out").
SOFT_LIMIT_ENV = "RAY_num_workers_soft_limit"


def worker_soft_limit(cpus: int) -> int:
    return 4 * cpus + 2


# Test hook: POLICY_NLP_RAY_KILL="NAME" kills the process extracting the file NAME each time;
# "NAME@MARKER" only while the file MARKER does not exist (it is created first): once.
KILL_ENV = "POLICY_NLP_RAY_KILL"
# Test hook: POLICY_NLP_RAY_TRACE=FOLDER: each extraction and each actor's batch leaves a file
# named after the node it ran on, so a test can tell that every node of a cluster took work.
TRACE_ENV = "POLICY_NLP_RAY_TRACE"


# -- on the workers ----------------------------------------------------------------------------

def _pack(outcome, timings: dict, counts: Counter) -> bytes:
    return pickle.dumps((outcome, timings, counts), protocol=pickle.HIGHEST_PROTOCOL)


def _trace(kind: str, folder: str) -> None:
    if folder:
        import ray

        with open(Path(folder, f"{kind}-{ray.get_runtime_context().get_node_id()}-{os.getpid()}"), "a") as out:
            out.write(f"{time.time():.3f}\n")  # when each call began


def _kill_if_asked(name: str, kill: str) -> None:
    target, _, marker = kill.partition("@")
    if name != target:
        return
    if marker:
        if os.path.exists(marker):
            return
        Path(marker).touch()
    os.kill(os.getpid(), signal.SIGKILL)


def _extract_one(key: str, data: bytes, pipeline: Pipeline, stages: list[str], kill: str) -> bytes:
    """One file's bytes -> its packed outcome after extraction and the CPU stages.

    The bytes are written under the file's own name in a temporary folder, so a worker needs no
    access to the driver's files, and the document is named as the file is."""
    from ..library_warnings import capture_library_warnings
    from ..pipeline import extract, run_stages
    from ..time_limit import TimeLimitExceeded, time_limit

    limit = time_limit_s(pipeline)
    timings: dict[str, float] = {}
    with capture_library_warnings() as counts, tempfile.TemporaryDirectory(prefix="policy_nlp_") as tmp:
        local = Path(tmp) / Path(key).name
        local.write_bytes(data)
        start = time.perf_counter()
        try:
            with time_limit(limit):
                outcome = extract(local, pipeline)
            outcome.path = key
        except TimeLimitExceeded:
            outcome = stopped(key, limit)
        except Exception as exc:  # a bug or an odd file must not stop the batch
            outcome = failure(key, exc)
        timings["extract"] = time.perf_counter() - start
        if kill:
            _kill_if_asked(Path(key).name, kill)  # in the middle of the document: extracted, not segmented
        if stages and not isinstance(outcome, InputError):
            try:
                with time_limit(limit):
                    run_stages([outcome], pipeline, timings, only=stages)
            except TimeLimitExceeded:
                outcome = stopped(key, limit)
            except Exception as exc:
                outcome = failure(key, exc)
    if isinstance(outcome, InputError):
        outcome = InputError(key, outcome.reason.replace(str(local), key))
    return _pack(outcome, timings, counts)


def extract_batch(batch: dict, pipeline: Pipeline, stages: list[str], kill: str = "", trace: str = "") -> dict:
    """Ray Data batch function: rows {bytes, path} -> rows {key, payload}."""
    _trace("extract", trace)
    keys = [str(p) for p in batch["path"]]
    payloads = [_extract_one(k, bytes(d), pipeline, stages, kill) for k, d in zip(keys, batch["bytes"])]
    return {"key": keys, "payload": payloads}


class StageActor:
    """Runs a group of stages that load models; Ray Data builds one per actor of the pool, so the
    models load once per actor, here."""

    def __init__(self, pipeline: Pipeline, stages: list[str], trace: str = ""):
        from ..library_warnings import capture_library_warnings
        from ..pipeline import _STAGES, StageRef

        # Ray gives a fractional-CPU actor one thread per library already; ours reads this.
        os.environ.setdefault("POLICY_NLP_THREADS", os.environ.get("OMP_NUM_THREADS", "1"))
        os.environ.setdefault("POLICY_NLP_TORCH_THREADS", os.environ["POLICY_NLP_THREADS"])
        self.pipeline = pipeline
        self.stages = stages
        self.trace = trace
        start = time.perf_counter()
        with capture_library_warnings():  # what loading says belongs to no file
            for name in stages:
                stage = _STAGES[name]
                if isinstance(stage, StageRef):
                    try:
                        stage.warm_up(pipeline)
                    except Exception:
                        pass  # a model that cannot load fails each document, with the reason
        self.load_seconds = time.perf_counter() - start

    def _run(self, docs: list, timings: dict) -> Exception | None:
        from ..pipeline import run_stages

        try:
            run_stages(docs, self.pipeline, timings, only=self.stages)
        except Exception as exc:
            return exc
        return None

    def __call__(self, batch: dict) -> dict:
        from ..library_warnings import capture_library_warnings

        _trace("-".join(self.stages), self.trace)
        keys = [str(k) for k in batch["key"]]
        rows = [list(pickle.loads(p)) for p in batch["payload"]]
        ok = [r for r in rows if not isinstance(r[0], InputError)]
        if ok:
            timings: dict[str, float] = {}
            with capture_library_warnings() as counts:
                error = self._run([r[0] for r in ok], timings)
                if error is not None:
                    # One document's failure must not cost the others: each again on its own.
                    timings = {}
                    for r in ok:
                        own: dict[str, float] = {}
                        failed = self._run([r[0]], own)
                        if failed is not None:
                            r[0] = failure(r[0].path, failed)
                        for stage, seconds in own.items():
                            r[1][stage] = r[1].get(stage, 0.0) + seconds
            weights = [len(r[0].passages) + 1 if not isinstance(r[0], InputError) else 1 for r in ok]
            for r, weight in zip(ok, weights):
                for stage, seconds in timings.items():
                    r[1][stage] = r[1].get(stage, 0.0) + seconds * weight / sum(weights)
            if self.load_seconds:
                ok[0][1]["load models"] = ok[0][1].get("load models", 0.0) + self.load_seconds
                self.load_seconds = 0.0
            if counts:
                note = "" if len(ok) == 1 else f" (while processing {len(ok)} files together)"
                ok[0][2].update({f"{text}{note}": n for text, n in counts.items()})
        return {"key": keys, "payload": [_pack(*r) for r in rows]}


class DocumentActor(StageActor):
    """Every stage of a file in one actor, extraction included, as a local worker runs them: the
    models load once per actor and a document never waits between two pools."""

    def __init__(self, pipeline: Pipeline, cpu_stages: list[str], stages: list[str], kill: str = "", trace: str = ""):
        super().__init__(pipeline, stages, trace)
        self.cpu_stages = cpu_stages
        self.kill = kill

    def __call__(self, batch: dict) -> dict:
        return super().__call__(extract_batch(batch, self.pipeline, self.cpu_stages, self.kill, self.trace))


# -- on the driver -----------------------------------------------------------------------------

def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise EngineError(f"--engine ray needs Ray: pip install 'policy-nlp[ray]' ({exc})") from None
    return ray


def _connect(ray, address: str | None) -> bool:
    """Join the cluster at `address` ("auto": the one this machine belongs to), or start a local
    one; True when this call started (and so must stop) it. A session the caller opened is used."""
    if ray.is_initialized():
        return False
    quiet = {"logging_level": logging.WARNING, "log_to_driver": False, "configure_logging": True}
    try:
        if address:
            _probe(address)
            ray.init(address=address, **quiet)
        else:
            # A private cluster for this ingest: listen on this machine only.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
            os.environ.setdefault(SOFT_LIMIT_ENV, str(worker_soft_limit(os.cpu_count() or 1)))
            # address="local": a bare ray.init() would join whatever cluster /tmp/ray last
            # recorded, even a stopped one, and wait on it.
            ray.init(address="local", include_dashboard=False, **quiet)
    except Exception as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        raise EngineError(f"cannot start or reach {where} ({type(exc).__name__}: {exc})") from None
    return True


def _probe(address: str, timeout_s: float = 5.0) -> None:
    """Fail at once where nothing listens: ray.init would retry a dead address for minutes."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    host = host.strip("[]")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise ConnectionError(f"nothing answers at {address}: {exc.strerror or exc}") from None


def build_dataset(ray, keys: list[str], pipeline: Pipeline, kill: str = "", trace: str = ""):
    """The Ray Data plan: read -> every stage in one actor pool (a cluster without GPUs); on a
    cluster with GPUs, read -> extract and the CPU stages before the first model (tasks) -> the
    stages from the first model on (one actor pool)."""
    from ray.data import ActorPoolStrategy, TaskPoolStrategy

    from ..pipeline import loads_models, stage_groups, stage_plan

    groups = stage_groups(stage_plan(pipeline))
    cpu_stages = groups.pop(0) if groups and not any(loads_models(s) for s in groups[0]) else []
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    ds = ray.data.read_binary_files(keys, include_paths=True, override_num_blocks=len(keys), num_cpus=READ_CPUS)
    # Ray 2.60 names no parameter for retries: they go as remote args, which it says are deprecated.
    warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
    if not ray.cluster_resources().get("GPU"):
        # No accelerator to feed: one pool of actors runs every stage of a file, as local workers
        # do. With extraction as tasks beside a pool of model actors, each CPU ran two busy
        # processes and every stage took twice as long (DA-619p cut into 20 documents of 31
        # pages, one node of 2 CPUs: 71 s against 61 s in one pool, local workers 45 s; two 1-CPU
        # nodes 1.34x one node against 1.72x).
        model_stages = [name for group in groups for name in group]
        batch = PDF_BATCH_DOCUMENTS if any(k.lower().endswith(".pdf") for k in keys) else TEXT_BATCH_DOCUMENTS
        return ds.map_batches(DocumentActor, batch_size=batch, batch_format="numpy", compute=ActorPoolStrategy(size=cpus),
                              num_cpus=ACTOR_CPUS, max_restarts=TASK_RETRIES, max_task_retries=TASK_RETRIES,
                              fn_constructor_kwargs={"pipeline": pipeline, "cpu_stages": cpu_stages, "stages": model_stages,
                                                     "kill": kill, "trace": trace})
    ds = ds.map_batches(extract_batch, batch_size=1, batch_format="numpy", num_cpus=TASK_CPUS,
                        compute=TaskPoolStrategy(size=cpus), max_retries=TASK_RETRIES,
                        fn_kwargs={"pipeline": pipeline, "stages": cpu_stages, "kill": kill, "trace": trace})
    # The stages with models share one pool: each actor loads each model once, as a local worker
    # does, and a document crosses one process boundary less. A pool per stage loaded every model
    # once per CPU again (9.6 s of 25 on the shared corpus, two CPUs). One actor per CPU: embedding
    # costs as much as extraction, so fewer would make it the bottleneck. A fixed pool: a growing
    # and shrinking one stopped idle actors and started new ones, each loading the models again
    # (two 1-CPU nodes on 186 pages: 66 s against 47 s with the pool fixed).
    batch = PDF_BATCH_DOCUMENTS if any(k.lower().endswith(".pdf") for k in keys) else TEXT_BATCH_DOCUMENTS
    model_stages = [name for group in groups for name in group]
    if model_stages:
        ds = ds.map_batches(StageActor, batch_size=batch, batch_format="numpy",
                            compute=ActorPoolStrategy(size=cpus),
                            num_cpus=ACTOR_CPUS, max_restarts=TASK_RETRIES, max_task_retries=TASK_RETRIES,
                            fn_constructor_kwargs={"pipeline": pipeline, "stages": model_stages, "trace": trace})
    return ds


def run(keys: list[str], pipeline: Pipeline, finish: Callable[[str, object, dict, Counter], None],
        address: str | None = None, work: list[float] | None = None) -> None:
    """Process the files `keys` (resolved paths) on Ray; `finish(key, outcome, timings, counts)`
    once per file, in input order, with a Document or an InputError.

    Files go to the cluster most `work` first (an estimate per key, e.g. pages), so a long file
    does not start last and run alone; results are held here until those before them in input
    order are stored, so document ids don't depend on timing. Ray Data's own preserve_order
    would do the holding inside the pipeline, where a long document keeps every document after it
    from the actor pool."""
    if not keys:
        return
    order = sorted(range(len(keys)), key=lambda i: -(work[i] if work else 0.0))
    position = {key: n for n, key in enumerate(keys)}
    ray = _import_ray()
    from ray.data import DataContext

    started = _connect(ray, address)
    done: set[str] = set()
    reason = f"its Ray task died (worker killed or out of memory) {TASK_RETRIES + 1} times; not stored"
    try:
        context = DataContext.get_current()
        context.enable_progress_bars = False  # the caller shows progress
        context.max_errored_blocks = -1  # a file whose task keeps dying is dropped, not the batch
        context.execution_options.preserve_order = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        ready: dict[int, tuple] = {}
        next_index = 0
        try:
            for row in build_dataset(ray, [keys[i] for i in order], pipeline, os.environ.get(KILL_ENV, ""),
                                       os.environ.get(TRACE_ENV, "")).iter_rows():
                key = str(row["key"])
                done.add(key)
                ready[position[key]] = (key, *pickle.loads(row["payload"]))
                while next_index in ready:
                    finish(*ready.pop(next_index))
                    next_index += 1
        except Exception as exc:  # the cluster went away: what was stored stays, the rest is reported
            reason = f"Ray stopped before it was processed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        for index, key in enumerate(keys):
            if index in ready:
                finish(*ready.pop(index))
            elif key not in done:
                finish(key, InputError(key, reason), {}, Counter())
    finally:
        if started:
            ray.shutdown()
