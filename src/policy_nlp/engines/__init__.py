"""Ingest engines: where the pipeline's stages run. Both compose the same stage functions
(pipeline.py) and hand each processed document back to the caller, which stores it.

- "local": worker processes on this machine (engines/local.py), the default.
- "ray": a Ray cluster, through Ray Data (engines/ray.py); the optional extra `policy-nlp[ray]`.
"""

from __future__ import annotations

import re

from ..errors import PolicyNLPError

ENGINES = ("local", "ray")


class EngineError(PolicyNLPError):
    """The engine cannot run: Ray not installed, a cluster that cannot be reached, an unknown engine."""


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    return engine


_ADDRESS = re.compile(r"^(?:ray://)?(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$")


def check_ray_address(address: str | None) -> str | None:
    """None (start a local Ray), "auto" (the cluster this machine belongs to), HOST:PORT, [IPV6]:PORT
    or ray://HOST:PORT."""
    if address is None or address == "auto" or _ADDRESS.match(address):
        return address
    raise EngineError(f"--ray-address {address!r}: expected 'auto', HOST:PORT or ray://HOST:PORT")
