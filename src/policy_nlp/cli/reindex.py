"""`policy-nlp reindex`: re-embed every stored passage with the pipeline's model for its
document's language."""

from __future__ import annotations

import sys

import typer

from .options import DbOption, PipelineOption, fail, open_existing_store, stderr_console

HELP = (
    "Re-embed every stored passage with the pipeline's embedding model for its document's language "
    "([embed] model; [embed.languages] for Chinese documents), after changing a model.\n\n"
    "Examples:\n\n  policy-nlp reindex\n\n  policy-nlp reindex --pipeline pipelines/mpnet.toml"
)


def reindex(db: DbOption = None, pipeline: PipelineOption = None) -> None:
    from ..config import PipelineError, load_pipeline
    from ..embed.stage import embedder_for
    from ..errors import PolicyNLPError

    try:
        pipe = load_pipeline(pipeline)
        settings = pipe.stage("embed")
        embedder = embedder_for(pipe)  # the English model: checked now, before any document
    except (PolicyNLPError, PipelineError) as exc:
        fail(str(exc))
    from rich.progress import track

    with open_existing_store(db) as store:
        infos = store.documents()
        used: dict[str, int] = {}
        for info in track(infos, description="re-embedding", console=stderr_console(), disable=not sys.stderr.isatty()):
            # A Chinese document keeps the model of its language ([embed.languages]).
            embedder = embedder_for(pipe, getattr(info, "language", ""))
            texts = store.passage_texts(info.id)
            store.set_embeddings(info.id, embedder.encode(texts, int(settings.get("batch_size", 64))), embedder.name)
            used[embedder.name] = used.get(embedder.name, 0) + 1
    models = ", ".join(f"{n} with {name}" for name, n in used.items()) or f"0 with {embedder.name}"
    typer.echo(f"re-embedded {len(infos)} document(s): {models}")
