"""Comparison: document similarity, aligned passages, unique sentences, indicators side by side."""

import sys
import types

from .engine import Comparison, compare, similar

__all__ = ["Comparison", "compare", "similar"]


class _CallablePackage(types.ModuleType):
    """`policy_nlp.compare([...])` is the API's compare function, as the CLI's `compare` command.

    Importing this package makes `policy_nlp.compare` the package itself (Python sets a
    submodule as an attribute of its parent), so the package forwards calls to the function."""

    def __call__(self, *args, **kwargs) -> Comparison:
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
