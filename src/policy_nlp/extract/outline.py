"""The structure a PDF declares about itself: bookmarks (the outline), the heading elements of a
tagged PDF (H, H1–H6), and the metadata title.

Both are claims, not facts: Word exports bookmark every paragraph styled as a heading, excerpts
keep bookmarks that point into pages they no longer hold, and metadata titles are often a file
name ("Microsoft Word - agenda.doc"). segment/headings.py accepts a bookmark only where its
text is printed on its page; `plausible_title` keeps a metadata title only where page 1 prints it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..model import Bookmark

_MAX_BOOKMARKS = 2000  # an outline bigger than this is an index, not a table of contents
_HEADING_TAGS = {"H": 1, "H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_FILE_LIKE = re.compile(
    r"^(microsoft\s+\w+\s*-|untitled\b|document\d*$|slide\s*\d|\S+\.(docx?|pdf|exe|indd|qxd|rtf|odt|tex|dvi|ps)\b)"
    r"|^[\w.-]+$",  # one token: "905_Precinct_NoOU", "fake-memo"
    re.IGNORECASE,
)


def read_bookmarks(pdf: Any) -> list[Bookmark]:
    """The outline of an open pdfplumber PDF, with pages resolved; [] when it has none or it is broken."""
    try:
        entries = pdf.doc.get_outlines()
        page_of = {page.page_obj.pageid: number for number, page in enumerate(pdf.pages, start=1)}
        out: list[Bookmark] = []
        for level, title, dest, action, _ in entries:
            if len(out) >= _MAX_BOOKMARKS:
                break
            text = _clean(title)
            if text:
                page, top = _target(pdf.doc, dest, action, page_of)
                out.append(Bookmark(text=text, level=int(level), page=page, top=top, source="outline"))
        return out
    except Exception:  # no outline (PDFNoOutlines), or one that does not parse: the print still counts
        return []


def _clean(title: Any) -> str:
    if isinstance(title, bytes):
        from pdfminer.utils import decode_text

        title = decode_text(title)
    if not isinstance(title, str):
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", title)).strip()


def _target(doc: Any, dest: Any, action: Any, page_of: dict[int, int]) -> tuple[int | None, float | None]:
    """Page number (1-based) and the /XYZ top (PDF user space, from the bottom) a bookmark jumps to."""
    from pdfminer.pdftypes import resolve1

    if dest is None and action is not None:
        action = resolve1(action)
        if isinstance(action, dict):
            dest = action.get("D")
    dest = resolve1(dest)
    if isinstance(dest, (bytes, str)) or hasattr(dest, "name"):  # a named destination
        name = dest if isinstance(dest, (bytes, str)) else dest.name
        try:
            dest = resolve1(doc.get_dest(name))
        except Exception:
            return None, None
    if isinstance(dest, dict):
        dest = resolve1(dest.get("D"))
    if not isinstance(dest, list) or not dest:
        return None, None
    ref = dest[0]
    page = page_of.get(getattr(ref, "objid", None))
    top = None
    if len(dest) >= 4 and str(dest[1]).strip("/'") == "XYZ":
        value = resolve1(dest[3])
        top = float(value) if isinstance(value, (int, float)) else None
    return page, top


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())


def plausible_title(title: str, first_page_text: str) -> str:
    """The metadata title if page 1 prints it (most of its words), else ""."""
    title = re.sub(r"\s+", " ", title or "").strip()
    if not title or len(title) > 300 or _FILE_LIKE.search(title):
        return ""
    words = _words(title)
    if len(words) < 2:
        return ""
    printed = set(_words(first_page_text))
    return title if sum(w in printed for w in words) >= 0.8 * len(words) else ""


def tagged_heading_targets(pdf: Any) -> dict[int, list[tuple[int, frozenset]]]:
    """Page number -> (level, marked-content ids) of each heading element (H, H1–H6) of a tagged
    PDF's structure tree; {} for an untagged PDF or a tree that does not parse. The text comes
    from the page's characters with those ids (`tagged_heading_text`), read with the page."""
    try:
        if "StructTreeRoot" not in pdf.doc.catalog:
            return {}
        tree = pdf.structure_tree
    except Exception:
        return {}
    targets: dict[int, list[tuple[int, frozenset]]] = {}
    stack = list(reversed(tree))
    while stack:
        element = stack.pop()
        level = _HEADING_TAGS.get(str(element.get("type", "")))
        if level and element.get("page_number") and element.get("mcids"):
            targets.setdefault(int(element["page_number"]), []).append((level, frozenset(element["mcids"])))
        stack.extend(reversed(element.get("children", [])))
    return targets


def tagged_heading_text(chars: list[dict], mcids: frozenset) -> str:
    return re.sub(r"\s+", " ", "".join(c["text"] for c in chars if c.get("mcid") in mcids)).strip()
