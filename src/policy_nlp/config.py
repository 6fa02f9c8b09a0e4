"""Pipeline configuration (pipelines/*.toml) and where bundled resources live."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "policy_nlp.db"
DB_ENV = "POLICY_NLP_DB"


def models_dir() -> Path:
    """Folder with lexicons, patterns and word lists (`POLICY_NLP_MODELS` overrides)."""
    return Path(os.environ.get("POLICY_NLP_MODELS", _REPO_ROOT / "models"))


def pipelines_dir() -> Path:
    return Path(os.environ.get("POLICY_NLP_PIPELINES", _REPO_ROOT / "pipelines"))


def default_db() -> str | Path:
    """The store `POLICY_NLP_DB` names (a file path, or a database URL kept as written: a Path
    would fold its "//"), else ./policy_nlp.db."""
    value = os.environ.get(DB_ENV) or DEFAULT_DB
    return value if is_db_url(value) else Path(value)


def is_db_url(value: object) -> bool:
    """Whether a --db value is a database URL (scheme://...) rather than a file path."""
    text = str(value)
    scheme, sep, _ = text.partition(":")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").isalpha() and text[len(scheme):].startswith(":/")


@dataclass
class Pipeline:
    """A parsed pipeline file: the stage list and each stage's settings."""

    name: str
    path: Path
    stages: list[str]
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    def stage(self, name: str) -> dict[str, Any]:
        return self.settings.get(name, {})

    def resource(self, stage: str, key: str) -> Path:
        """A file named in a stage's settings, relative to models/ unless absolute."""
        value = Path(self.stage(stage)[key])
        return value if value.is_absolute() else models_dir() / value


class PipelineError(ValueError):
    pass


def load_pipeline(path: str | Path | None = None) -> Pipeline:
    path = Path(path) if path else pipelines_dir() / "default.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError(f"{path}: pipeline file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{path}: not valid TOML ({exc})") from None
    head = data.pop("pipeline", {})
    stages = list(head.get("stages", ["extract"]))
    unknown = [s for s in stages if s not in KNOWN_STAGES]
    if unknown:
        raise PipelineError(f"{path}: unknown stage(s) {', '.join(unknown)}; known: {', '.join(KNOWN_STAGES)}")
    return Pipeline(name=head.get("name", path.stem), path=path, stages=stages, settings=data)


KNOWN_STAGES = ("extract", "segment", "indicators", "embed")
