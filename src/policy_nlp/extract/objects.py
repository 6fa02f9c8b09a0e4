"""pdfplumber's page objects (page.objects), read faster for characters.

pdfplumber interprets a page with pdfminer, which makes one LTChar object per
character; pdfplumber then turns each into a dict with a generic converter that
resolves every attribute recursively (looking for indirect PDF objects). On
text pages the conversion cost about as much as interpreting the page. Here the
interpreter's device writes the character dicts itself, computing the same
values with the same arithmetic as LTChar and pdfplumber (so the dicts are the
same, key for key and bit for bit), and caching per font what is fixed per font
and per glyph. Everything else (lines, rects, curves, images; characters of
vertical fonts; any value that is not a plain number or string) still goes
through pdfminer's and pdfplumber's own code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import ALL_ATTRS, PDFPageAggregatorWithMarkedContent, fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

# The versions whose code this module (and pdf._page_words) repeats, checked object for object on
# the shared corpus, realdocs and the 619-page report. Others take pdfplumber's own path.
VERIFIED_VERSIONS = {"pdfplumber": ("0.11.",), "pdfminer": ("20260107",)}

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


def _resolved(value: Any) -> Any:
    return value if type(value) in _PLAIN else resolve_all(value)


def _decoded(name: Any) -> Any:
    if type(name) is not str:
        return resolve_and_decode(name)
    value = _COLOUR_SPACE_NAMES.get(name)
    if value is None:
        value = _COLOUR_SPACE_NAMES[name] = resolve_and_decode(name)
    return value


def _colour(value: Any) -> tuple:
    return value if isinstance(value, tuple) else (value,)


class _Geometry:
    """What a character dict needs from its page: number, height, mediabox offset, doctop."""

    def __init__(self, page) -> None:
        self.page_number = page.page_number
        self.unicode_norm = page.pdf.unicode_norm
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.height = page.height
        self.doctop = page.initial_doctop

    def char_dict(self, obj: LTChar) -> dict[str, Any]:
        """pdfplumber's Page.process_object for one LTChar."""
        attr = {k: v for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        if not _is_plain(attr):
            attr = {k: resolve_all(v) for k, v in attr.items()}
        attr["object_type"] = "char"
        attr["page_number"] = self.page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _decoded(getattr(obj, cs).name)
        text = obj.get_text()
        attr["text"] = normalize_unicode(self.unicode_norm, text) if self.unicode_norm is not None else text
        gs = obj.graphicstate
        attr["stroking_color"] = _colour(gs.scolor)
        attr["non_stroking_color"] = _colour(gs.ncolor)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        self._place(attr)
        return attr

    def _place(self, attr: dict[str, Any]) -> None:
        if "y0" in attr:
            attr["top"] = (self.height - attr["y1"]) + self.mb_top
            attr["bottom"] = (self.height - attr["y0"]) + self.mb_top
            attr["doctop"] = self.doctop + attr["top"]
        if "x0" in attr and self.mb_x0 != 0:
            attr["x0"] = attr["x0"] + self.mb_x0
            attr["x1"] = attr["x1"] + self.mb_x0


class _CharDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, writing character dicts instead of LTChar objects into the page tree.

    The dicts are kept in rendering order, which is the order of a depth-first walk of the tree,
    the order in which pdfplumber lists them.
    """

    def __init__(self, page, geometry: _Geometry) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        self.geometry = geometry
        self.chars: list[dict[str, Any]] = []
        self.first_char_at: tuple[Any, int] | None = None  # (container, number of objects before it)
        # The last character and where it went: pdfplumber tags "the last object" of the current
        # container with the marked-content id after every path; that may be a character.
        self._tail: tuple[Any, int, dict[str, Any]] | None = None
        # font -> (vertical, descent, fontname, {cid: (text, width, text as pdfplumber gives it)})
        self._fonts: dict[Any, tuple[bool, float, Any, dict]] = {}
        self._gs: Any = None  # the graphic state of the last character and its two colours
        self._colours: tuple[tuple, tuple] = ((), ())
        self._ncs: Any = None
        self._ncs_name: Any = None

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        facts = self._fonts.get(font)
        if facts is None:
            facts = self._fonts[font] = (font.is_vertical(), font.get_descent(), font.fontname, {})
        vertical, font_descent, fontname, glyphs = facts
        glyph = glyphs.get(cid)
        if glyph is None:
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            norm = self.geometry.unicode_norm
            glyph = glyphs[cid] = (text, font.char_width(cid), normalize_unicode(norm, text) if norm is not None else text)
        text, textwidth, shown = glyph
        mcid, tag = self.cur_mcid, self.cur_tag
        if vertical or type(fontname) is not str or type(mcid) not in _PLAIN or type(tag) not in _PLAIN \
                or not _PLAIN.issuperset(map(type, matrix)):
            item = LTChar(matrix, font, fontsize, scaling, rise, text, textwidth, font.char_disp(cid), ncs, graphicstate)
            item.mcid, item.tag = mcid, tag
            return self._add(self.geometry.char_dict(item), item.adv)
        if graphicstate is not self._gs:
            self._gs = graphicstate
            self._colours = (_colour(graphicstate.scolor), _colour(graphicstate.ncolor))
        if ncs is not self._ncs:
            self._ncs, self._ncs_name = ncs, _decoded(ncs.name)
        # LTChar.__init__ and pdfminer.utils.apply_matrix_rect, horizontal case, term for term;
        # min() and max() written out with their tie rule (the first of equal values wins).
        adv = textwidth * fontsize * scaling
        descent = font_descent * fontsize
        bx0, by0, bx1, by1 = (0, descent + rise, adv, descent + rise + fontsize)
        (a, b, c, d, e, f) = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        left1, bottom1 = a * bx0 + c * by0 + e, b * bx0 + d * by0 + f
        right1, bottom2 = a * bx1 + c * by0 + e, b * bx1 + d * by0 + f
        right2, top1 = a * bx1 + c * by1 + e, b * bx1 + d * by1 + f
        left2, top2 = a * bx0 + c * by1 + e, b * bx0 + d * by1 + f
        x0 = x1 = left1
        if left2 < x0:
            x0 = left2
        if right1 < x0:
            x0 = right1
        if right2 < x0:
            x0 = right2
        if left2 > x1:
            x1 = left2
        if right1 > x1:
            x1 = right1
        if right2 > x1:
            x1 = right2
        y0 = y1 = bottom1
        if bottom2 < y0:
            y0 = bottom2
        if top1 < y0:
            y0 = top1
        if top2 < y0:
            y0 = top2
        if bottom2 > y1:
            y1 = bottom2
        if top1 > y1:
            y1 = top1
        if top2 > y1:
            y1 = top2
        if x1 < x0:
            (x0, x1) = (x1, x0)
        if y1 < y0:
            (y0, y1) = (y1, y0)
        g = self.geometry
        height = y1 - y0
        top = (g.height - y1) + g.mb_top
        attr = {
            "matrix": matrix, "fontname": fontname, "adv": adv, "upright": upright,
            "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": height, "size": height,
            "mcid": mcid, "tag": tag, "object_type": "char", "page_number": g.page_number,
            "ncs": self._ncs_name, "text": shown,
            "stroking_color": self._colours[0], "non_stroking_color": self._colours[1],
            "top": top, "bottom": (g.height - y0) + g.mb_top, "doctop": g.doctop + top,
        }
        if g.mb_x0 != 0:
            attr["x0"] = x0 + g.mb_x0
            attr["x1"] = x1 + g.mb_x0
        container = self.cur_item
        count = len(container._objs)
        if self.first_char_at is None:
            self.first_char_at = (container, count)
        self.chars.append(attr)
        self._tail = (container, count, attr)
        return adv

    def _add(self, attr: dict[str, Any], adv: float) -> float:
        container = self.cur_item
        count = len(container._objs)
        if self.first_char_at is None:
            self.first_char_at = (container, count)
        self.chars.append(attr)
        self._tail = (container, count, attr)
        return adv

    def tag_cur_item(self) -> None:
        tail = self._tail
        if tail is not None and tail[0] is self.cur_item and tail[1] == len(self.cur_item._objs):
            tail[2]["mcid"] = _resolved(self.cur_mcid)
            tail[2]["tag"] = _resolved(self.cur_tag)
        else:
            super().tag_cur_item()


@lru_cache(maxsize=1)
def fast_path_verified() -> bool:
    """Are the installed pdfplumber and pdfminer.six versions the ones the fast path repeats?"""
    import pdfminer
    import pdfplumber

    installed = {"pdfplumber": pdfplumber.__version__, "pdfminer": pdfminer.__version__}
    return all(installed[name].startswith(prefixes) for name, prefixes in VERIFIED_VERSIONS.items())


def load_objects(page) -> None:
    """Interpret `page` now and fill its object cache (page.objects) as pdfplumber would.

    Raises pdfplumber's PdfminerException, as reading page.objects does, when pdfminer fails.
    """
    if not fast_path_verified():
        page.objects  # noqa: B018 - pdfplumber's own path fills the cache
        return
    geometry = _Geometry(page)
    device = _CharDevice(page, geometry)
    interpreter = PDFPageInterpreter(page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e)
    objects: dict[str, list[dict[str, Any]]] = {}
    _collect(page, device.get_result(), device, objects)
    page._objects = objects


def _collect(page, container, device: _CharDevice, objects: dict[str, list[dict[str, Any]]]) -> None:
    """pdfplumber's Page.iter_layout_objects and parse_objects, the characters slotted in where they began.

    A plain function, not a closure calling itself: such a closure is a reference cycle that keeps
    the page's objects alive until the garbage collector runs."""
    first = device.first_char_at
    for index, obj in enumerate(container._objs):
        if first is not None and first[0] is container and first[1] == index:
            objects.setdefault("char", device.chars)
        if isinstance(obj, LTContainer):
            if page.pdf.laparams is not None:
                _add(objects, page.process_object(obj))
            _collect(page, obj, device, objects)
        else:
            _add(objects, page.process_object(obj))
    if first is not None and first[0] is container and first[1] == len(container._objs):
        objects.setdefault("char", device.chars)


def _add(objects: dict[str, list[dict[str, Any]]], obj: dict[str, Any]) -> None:
    kind = obj["object_type"]
    if kind != "anno":
        objects.setdefault(kind, []).append(obj)
