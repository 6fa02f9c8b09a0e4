"""Self-contained HTML report of a comparison: no scripts, no network, one file."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..export import OutputError
from ..formatting import with_unit
from .engine import Comparison

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{border:1px solid #d5dbe3;padding:.35rem .5rem;vertical-align:top;font-size:.88rem}
th{background:#f1f4f8;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.heat td{text-align:center;font-weight:600;width:7rem}.role{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.75rem;background:#e8eef7}
.src{font-size:.75rem;color:#55606e}.src a{color:#1f5fae}.note{color:#55606e;font-size:.85rem}
.ctx{font-size:.8rem;color:#55606e;margin-top:.25rem}.ctx mark{background:#fff2b3;color:#1d2733}
"""


def _colour(value: float) -> str:
    """White (0.3 and below) to deep blue (1.0)."""
    t = min(1.0, max(0.0, (value - 0.3) / 0.7))
    r, g, b = int(255 - 200 * t), int(255 - 150 * t), int(255 - 60 * t)
    return f"rgb({r},{g},{b})"


def _link(comparison: Comparison, ref: dict) -> str:
    path = comparison.paths.get(ref["document"], "")
    href = Path(path).resolve().as_uri() + f"#page={ref['page']}" if path else "#"
    label = f"{ref['document']} · p.{ref['page']} · {ref['section']}"
    if "passage" in ref:
        label += f" · passage {ref['passage']}"
    return f'<div class="src"><a href="{escape(href)}">{escape(label)}</a></div>'


def _in_context(ref: dict) -> str:
    """The passage around a unique sentence, the sentence marked (nothing when it is the whole passage)."""
    passage, sentence = ref.get("passage_text", ""), ref["text"]
    at = passage.find(sentence)
    if at < 0 or passage.strip() == sentence.strip():
        return ""
    before, after = passage[:at], passage[at + len(sentence):]
    return f"<div class='ctx'>{escape(before)}<mark>{escape(sentence)}</mark>{escape(after)}</div>"


def _nearest(ref: dict) -> str:
    near = ref.get("nearest")
    if not near:
        return ""
    return (f"<div class='ctx'>Nearest elsewhere ({escape(near['document'])}, p.{near['page']}): "
            f"{escape(near['text'][:300])}</div>")


def render_html(comparison: Comparison) -> str:
    docs = comparison.documents
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>policy_nlp comparison: {escape(', '.join(docs))}</title><style>{_CSS}</style></head><body>",
        f"<h1>Comparison of {len(docs)} documents</h1>",
        f"<p class='note'>Roles compared: {escape(', '.join(comparison.roles))}. Passages count as the same point when their "
        f"cosine similarity is at least {comparison.threshold:.2f} ({escape(comparison.threshold_source)}).</p>",
        "<h2>Document similarity</h2><table class='heat'><tr><th></th>",
    ]
    out += [f"<th>{escape(d)}</th>" for d in docs]
    out.append("</tr>")
    for i, row in enumerate(comparison.similarity):
        out.append(f"<tr><th>{escape(docs[i])}</th>")
        out += [f"<td style='background:{_colour(v)}'>{v:.2f}</td>" for v in row]
        out.append("</tr>")
    out.append("</table>")

    out.append(f"<h2>Aligned passages ({len(comparison.pairs)})</h2>")
    if comparison.pairs:
        out.append("<table><tr><th>role</th><th>similarity</th><th>document A</th><th>document B</th></tr>")
        for pair in comparison.pairs:
            out.append(
                f"<tr><td><span class='role'>{escape(pair['role'])}</span></td><td class='num'>{pair['similarity']:.2f}</td>"
                f"<td>{escape(pair['a']['text'])}{_link(comparison, pair['a'])}</td>"
                f"<td>{escape(pair['b']['text'])}{_link(comparison, pair['b'])}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p class='note'>No passage pairs above the threshold.</p>")

    out.append("<h2>Unique points</h2>")
    out.append(
        f"<p class='note'>Sentences whose point no sentence or passage of another document makes: best cosine below "
        f"{comparison.unique_threshold:.2f} ({escape(comparison.unique_threshold_source)}). Headings, signposting and "
        "the topic line of a passage that is aligned above are left out.</p>"
    )
    for stem in docs:
        rows = comparison.unique.get(stem, [])
        out.append(f"<h3>{escape(stem)} ({len(rows)})</h3>")
        if rows:
            out.append("<table><tr><th>role</th><th>best match elsewhere</th><th>sentence</th></tr>")
            for ref in rows:
                out.append(
                    f"<tr><td><span class='role'>{escape(ref['role'])}</span></td><td class='num'>{ref['best_match']:.2f}</td>"
                    f"<td>{escape(ref['text'])}{_in_context(ref)}{_nearest(ref)}{_link(comparison, ref)}</td></tr>"
                )
            out.append("</table>")

    out.append(f"<h2>Indicators side by side ({len(comparison.indicators)})</h2>")
    if comparison.indicators:
        out.append("<table><tr><th>subject</th>" + "".join(f"<th>{escape(d)}</th>" for d in docs) + "<th>why paired</th></tr>")
        for row in comparison.indicators:
            cells = []
            for d in docs:
                v = row["values"].get(d)
                if not v:
                    cells.append("<td></td>")
                    continue
                ref = {"document": d, "page": v["page"], "section": v["section"]}
                detail = " · ".join(x for x in (v["period"], v["place"]) if x)
                cells.append(
                    f"<td class='num'>{escape(with_unit(v['value'], v['unit']))}<div class='src'>{escape(v['raw_text'])}"
                    f"{(' — ' + escape(detail)) if detail else ''}</div>{_link(comparison, ref)}</td>"
                )
            out.append(f"<tr><td>{escape(row['subject'])}</td>{''.join(cells)}<td class='note'>{escape(row.get('reason', ''))}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_html(comparison: Comparison, path: str | Path) -> Path:
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")
    path.write_text(render_html(comparison), encoding="utf-8")
    return path
