"""pdfplumber's page objects, built faster for characters.

pdfplumber turns every pdfminer LTChar into a dict with a generic converter that
resolves each attribute recursively (looking for indirect PDF objects); on text
pages that conversion took about as long as pdfminer's interpretation of the
page itself. A character's attributes are numbers, strings and tuples of numbers
that pdfminer computed, so they are copied as they are. Anything else (a value
that is not such a plain value, and every object that is not a character) still
goes through pdfplumber's own converter, so the dicts are the same, key for key.
"""

from __future__ import annotations

from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar
from pdfplumber.page import ALL_ATTRS, fix_fontname_bytes
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

_PLAIN = frozenset({float, int, str, bool, type(None)})
_PLAIN_OR_TUPLE = _PLAIN | {tuple}
_COLOUR_SPACE_NAMES: dict[str, Any] = {}


def _is_plain(attr: dict[str, Any]) -> bool:
    """Numbers, strings and None, and one tuple of those (the text matrix): nothing to resolve."""
    types = list(map(type, attr.values()))
    if not _PLAIN_OR_TUPLE.issuperset(types):
        return False
    tuples = types.count(tuple)
    if not tuples:
        return True
    matrix = attr.get("matrix")
    return tuples == 1 and type(matrix) is tuple and _PLAIN.issuperset(map(type, matrix))


def _decoded(name: Any) -> Any:
    if type(name) is not str:
        return resolve_and_decode(name)
    value = _COLOUR_SPACE_NAMES.get(name)
    if value is None:
        value = _COLOUR_SPACE_NAMES[name] = resolve_and_decode(name)
    return value


def use_fast_chars(page) -> None:
    """Make `page` build its character dicts with the fast converter (before its objects are read)."""
    generic = page.process_object
    page_number = page.page_number
    unicode_norm = page.pdf.unicode_norm
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    doctop = page.initial_doctop

    def process_object(obj) -> dict[str, Any]:
        if type(obj) is not LTChar:
            return generic(obj)
        attr = {k: v for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        if not _is_plain(attr):
            attr = {k: resolve_all(v) for k, v in attr.items()}
        attr["object_type"] = "char"
        attr["page_number"] = page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _decoded(getattr(obj, cs).name)
        text = obj.get_text()
        attr["text"] = normalize_unicode(unicode_norm, text) if unicode_norm is not None else text
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        if "y0" in attr:
            attr["top"] = (height - attr["y1"]) + mb_top
            attr["bottom"] = (height - attr["y0"]) + mb_top
            attr["doctop"] = doctop + attr["top"]
        if "x0" in attr and mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        return attr

    page.process_object = process_object
