"""Bookmarks checked against the print: an outline entry is a heading where its page prints it."""

from __future__ import annotations

import re
import unicodedata

from ..model import Block, Bookmark, Document


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "", text)


def match_bookmarks(doc: Document) -> dict[int, Bookmark]:
    """Block index -> the bookmark it prints, for bookmarks found on their page (or the next:
    destinations often point at the space above a heading that starts the following page).

    A block prints a bookmark when their letters and digits agree, or when the block starts
    with the bookmark's text and adds little (a heading block that took the next line along).
    """
    if not doc.bookmarks:
        return {}
    by_page: dict[int, list[tuple[int, Block]]] = {}
    for index, block in enumerate(doc.blocks()):
        by_page.setdefault(block.page, []).append((index, block))
    found: dict[int, Bookmark] = {}
    for mark in doc.bookmarks:
        key = _key(mark.text)
        if mark.page is None or len(key) < 2:
            continue
        for page in (mark.page, mark.page + 1):
            hit = next(
                (i for i, b in by_page.get(page, []) if i not in found and _prints(_key(b.text), key)), None)
            if hit is not None:
                found[hit] = mark
                break
    return found


def _prints(block_key: str, key: str) -> bool:
    return block_key == key or (block_key.startswith(key) and len(block_key) <= 1.3 * len(key) + 4)
