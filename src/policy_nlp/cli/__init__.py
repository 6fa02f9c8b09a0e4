"""Command-line interface (typer); heavy libraries are imported inside commands."""
