"""Step 5: the report a TA acts on: one self-contained HTML page and a CSV.

The page lists the pairs by evidence (flagged ones first), then, for the top pairs, the
per-function breakdown and the matching code side by side: each unusual shared region
in its own colour with the same number on both sides, code shared but common across the
class in grey (not counted), lines of the released stub dimmed. Everything from a
submission (names, paths, code) is escaped; the output depends only on the input (no
dates, fixed order), so two runs give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field

from autograder.similarity.compare import Pair, UnitMatch, Weights
from autograder.similarity.fingerprint import K, W
from autograder.similarity.normalize import Unit
from autograder.similarity.reader import Document

MAX_LISTED = 300        # pairs in the HTML table
MAX_CSV = 5_000         # pairs in the CSV
MIN_DETAILED = 10       # pairs shown in detail (more when more are flagged) ...
MAX_DETAILED = 50       # ... up to this many
MAX_UNIT_MATCHES = 12   # side-by-side blocks per pair
CONTEXT = 3             # lines shown around matched lines
MAX_UNIT_ROWS = 15      # rows of a pair's per-function table
MAX_LINE = 240          # characters of a code line shown
COLOURS = 8


@dataclass
class Result:
    """Everything the report shows."""

    hw: str
    docs: list[Document]
    weights: Weights
    pairs: list[Pair]
    threshold: float
    details: dict[int, list[UnitMatch]] = field(default_factory=dict)  # pair index ->
    notes: list[str] = field(default_factory=list)  # problems not tied to one submission

    @property
    def students(self) -> list[Document]:
        return [d for d in self.docs if d.kind == "student"]

    @property
    def known(self) -> list[Document]:
        return [d for d in self.docs if d.kind == "known"]

    def detailed(self) -> list[int]:
        flagged = sum(p.flagged for p in self.pairs)
        return list(range(min(len(self.pairs), MAX_DETAILED, max(MIN_DETAILED, flagged))))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _unit_label(unit: Unit) -> str:
    return f"{unit.file} · {unit.name}"


def functions_summary(result: Result, index: int, limit: int = 3) -> str:
    """The pair's top unit matches with evidence, e.g. ``softmax_loss_naive (40)``."""
    pair = result.pairs[index]
    a, b = result.docs[pair.a], result.docs[pair.b]
    parts = []
    for m in [m for m in result.details.get(index, []) if m.evidence >= 0.5][:limit]:
        ua, ub = a.units[m.a_unit], b.units[m.b_unit]
        name = ua.name if ua.name == ub.name else f"{ua.name} ~ {ub.name}"
        parts.append(f"{name} ({m.evidence:.0f})")
    return "; ".join(parts)


# ----- CSV ---------------------------------------------------------------------------------
def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "a", "b", "b_kind", "evidence", "flagged", "unusual_shared",
                     "shared", "share_of_a", "share_of_b", "functions"])
    for rank, pair in enumerate(result.pairs[:MAX_CSV], start=1):
        a, b = result.docs[pair.a], result.docs[pair.b]
        writer.writerow([rank, _cell(a.name), _cell(b.name), b.kind, f"{pair.evidence:.1f}",
                         "yes" if pair.flagged else "no", pair.rare, pair.shared,
                         f"{pair.share_a:.3f}", f"{pair.share_b:.3f}",
                         _cell(functions_summary(result, rank - 1))])
    return out.getvalue()


# ----- HTML --------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;
 color:#1d2329;max-width:1500px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 6px;border-top:1px solid
 #d5dbe1;padding-top:14px}h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d5dbe1;
 padding:3px 8px;text-align:left;vertical-align:top}th{background:#f1f4f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.flag td{background:#fff1f0}.flagmark{color:#b42318;font-weight:600}
.muted{color:#667085}.summary{max-width:70em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin:4px 0 14px}
.side{border:1px solid #d5dbe1;border-radius:4px;overflow:hidden;min-width:0}
.side .head{background:#f1f4f7;padding:3px 8px;font-weight:600;overflow-wrap:anywhere}
.code{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.ln{display:grid;grid-template-columns:3.2em 1.8em 1fr}
.ln .no{color:#98a2b3;text-align:right;padding-right:6px;user-select:none}
.ln .tag{font-weight:700;font-size:10px;text-align:center}
.ln .src{white-space:pre-wrap;word-break:break-all;padding-right:6px}
.ln.given .src{color:#98a2b3}.ln.common{background:#eef0f2}
.gap{color:#98a2b3;text-align:center;font-size:11px;background:#fafbfc}
.m0{background:#ffd8d6}.m1{background:#d3ecff}.m2{background:#fff0b3}.m3{background:#d9f5dd}
.m4{background:#f2dcff}.m5{background:#ffe2c6}.m6{background:#d2f4f4}.m7{background:#f7d9ea}
.legend span{display:inline-block;padding:0 6px;margin-right:8px;border-radius:3px}
"""


def _line_classes(unit: Unit,
                  matches: list[tuple[int, int, float, int]]) -> dict[int, tuple[str, str]]:
    """File line -> (css class, tag) for a unit's shown side: rare regions numbered and
    coloured, common ones grey."""
    marks: dict[int, tuple[str, str]] = {}
    for first, last, evidence, number in matches:
        for line in range(first, last + 1):
            if evidence > 0:
                if line not in marks or marks[line][0] == "common":
                    tag = str(number) if line == first else ""
                    marks[line] = (f"m{(number - 1) % COLOURS}", tag)
            else:
                marks.setdefault(line, ("common", ""))
    return marks


def _code_block(unit: Unit, marks: dict[int, tuple[str, str]]) -> str:
    given = set(unit.given)
    total = len(unit.lines)
    shown: set[int] = set()
    for line in marks:
        offset = line - unit.first_line
        shown.update(range(max(0, offset - CONTEXT), min(total, offset + CONTEXT + 1)))
    rows, skipped = [], 0
    for offset, text in enumerate(unit.lines):
        if offset not in shown:
            skipped += 1
            continue
        if skipped:
            rows.append(f'<div class="gap">⋯ {skipped} line{"s" * (skipped > 1)} ⋯</div>')
            skipped = 0
        number = unit.first_line + offset
        cls, tag = marks.get(number, ("", ""))
        classes = " ".join(c for c in ("ln", cls, "given" if offset in given else "") if c)
        text = text.expandtabs(4)
        if len(text) > MAX_LINE:
            text = text[:MAX_LINE] + " …"
        rows.append(f'<div class="{classes}"><span class="no">{number}</span>'
                    f'<span class="tag">{_e(tag)}</span><span class="src">{_e(text)}</span>'
                    "</div>")
    if skipped:
        rows.append(f'<div class="gap">⋯ {skipped} line{"s" * (skipped > 1)} ⋯</div>')
    return "".join(rows)


def _pair_section(result: Result, index: int) -> str:
    pair = result.pairs[index]
    a, b = result.docs[pair.a], result.docs[pair.b]
    matches = result.details.get(index, [])
    flag = ' <span class="flagmark">flagged</span>' if pair.flagged else ""
    out = [f'<h2 id="pair-{index + 1}">#{index + 1} {_e(a.name)} ↔ {_e(b.name)}'
           f'{" (known solution)" if b.kind == "known" else ""}: evidence '
           f"{pair.evidence:.0f}{flag}</h2>",
           f'<p class="muted">{pair.rare} unusual shared fingerprints; {pair.shared} shared '
           f"in all ({pair.share_a:.0%} of {_e(a.name)}'s, {pair.share_b:.0%} of "
           f"{_e(b.name)}'s).</p>",
           "<table><tr><th>in " + _e(a.name) + "</th><th>in " + _e(b.name) +
           "</th><th>evidence</th><th>shared fingerprints</th><th>lines</th></tr>"]
    counted = [m for m in matches if m.evidence >= 0.5]
    alike = [m for m in matches if m.evidence < 0.5  # same function, only common code
             and a.units[m.a_unit].name == b.units[m.b_unit].name]
    rows = (counted + alike)[:MAX_UNIT_ROWS]
    for m in rows:
        ua, ub = a.units[m.a_unit], b.units[m.b_unit]
        rare = [r for r in m.regions if r.evidence > 0]
        lines = ", ".join(f"{r.a_first}-{r.a_last} ~ {r.b_first}-{r.b_last}" for r in rare[:4])
        out.append(f"<tr><td>{_e(_unit_label(ua))}</td><td>{_e(_unit_label(ub))}</td>"
                   f'<td class="num">{m.evidence:.0f}</td><td class="num">{m.shared}</td>'
                   f"<td>{_e(lines)}{' …' if len(rare) > 4 else ''}</td></tr>")
    out.append("</table>")
    if len(matches) > len(rows):
        out.append(f'<p class="muted">{len(matches) - len(rows)} more pairs of functions '
                   "share only a little common code.</p>")
    for m in [m for m in matches if m.evidence > 0][:MAX_UNIT_MATCHES]:
        ua, ub = a.units[m.a_unit], b.units[m.b_unit]
        numbered, counter = [], 0
        for r in m.regions:
            if r.evidence > 0:
                counter += 1
            numbered.append((r, counter if r.evidence > 0 else 0))
        a_marks = _line_classes(ua, [(r.a_first, r.a_last, r.evidence, n) for r, n in numbered])
        b_marks = _line_classes(ub, [(r.b_first, r.b_last, r.evidence, n) for r, n in numbered])
        out.append(f"<h3>{_e(_unit_label(ua))} ~ {_e(_unit_label(ub))}: evidence "
                   f"{m.evidence:.0f}</h3>")
        out.append('<div class="pair">')
        for doc, unit, marks in ((a, ua, a_marks), (b, ub, b_marks)):
            out.append(f'<div class="side"><div class="head">{_e(doc.name)}: '
                       f"{_e(_unit_label(unit))}</div><div class=\"code\">"
                       f"{_code_block(unit, marks)}</div></div>")
        out.append("</div>")
    return "\n".join(out)


def _pairs_table(result: Result) -> str:
    rows = ["<table><tr><th>#</th><th>submission</th><th>compared with</th><th>evidence</th>"
            "<th>unusual shared</th><th>shared of first</th><th>shared of second</th>"
            "<th>where (evidence)</th></tr>"]
    detailed = set(result.detailed())
    for index, pair in enumerate(result.pairs[:MAX_LISTED]):
        a, b = result.docs[pair.a], result.docs[pair.b]
        rank = (f'<a href="#pair-{index + 1}">{index + 1}</a>' if index in detailed
                else str(index + 1))
        flag = ' <span class="flagmark">flagged</span>' if pair.flagged else ""
        other = _e(b.name) + (' <span class="muted">(known)</span>' if b.kind == "known" else "")
        rows.append(f'<tr{" class=flag" if pair.flagged else ""}><td class="num">{rank}</td>'
                    f"<td>{_e(a.name)}</td><td>{other}</td>"
                    f'<td class="num">{pair.evidence:.0f}{flag}</td>'
                    f'<td class="num">{pair.rare}</td><td class="num">{pair.share_a:.0%}</td>'
                    f'<td class="num">{pair.share_b:.0%}</td>'
                    f"<td>{_e(functions_summary(result, index))}</td></tr>")
    rows.append("</table>")
    if len(result.pairs) > MAX_LISTED:
        rows.append(f'<p class="muted">{len(result.pairs) - MAX_LISTED} more pairs with '
                    "less evidence are in the CSV.</p>")
    return "\n".join(rows)


def _problems_table(result: Result) -> str:
    rows = []
    for doc in result.docs:
        notes = list(doc.problems)
        if doc.kind == "student" and not doc.units:
            notes.append("no code of their own found (nothing beyond the released stub)")
        for note in notes:
            rows.append(f"<tr><td>{_e(doc.name)}</td><td>{_e(note)}</td></tr>")
    rows += [f"<tr><td class=muted>(submissions folder)</td><td>{_e(n)}</td></tr>"
             for n in result.notes]
    if not rows:
        return "<p>Every submission was read in full.</p>"
    return "<table><tr><th>submission</th><th>problem</th></tr>" + "".join(rows) + "</table>"


def html_text(result: Result) -> str:
    students, known = result.students, result.known
    flagged = sum(p.flagged for p in result.pairs)
    known_names = ", ".join(_e(d.name) for d in known) or "none"
    legend = "".join(f'<span class="m{i}">region {i + 1}</span>' for i in range(3))
    body = [
        f"<h1>Copied code in {_e(result.hw)}</h1>",
        f'<p class="summary">{len(students)} submissions compared with each other and with '
        f"{len(known)} known solution(s) ({known_names}). <b>{flagged} pair(s) flagged</b> "
        f"(evidence ≥ {result.threshold:g}), {len(result.pairs)} pair(s) share unusual code "
        "at all.</p>",
        '<p class="summary muted">Code is compared after normalization (names, comments, '
        "docstrings, formatting and the order of functions do not matter) as fingerprints "
        f"of {K} tokens (winnowing window {W}). The released stub counts for nothing. A "
        "fingerprint counts 1 when only two documents share it and less the more documents "
        f"have it; from {result.weights.common_df} documents on it is common code (what "
        "every correct solution writes) and counts 0. <i>Evidence</i> adds up what a pair "
        "shares. It points at code to read, it is not a verdict: short functions written "
        "from the same formula can match by chance.</p>",
        f'<p class="legend">{legend}<span class="common">common code (not counted)</span>'
        '<span class="muted">grey text: given in the stub</span></p>',
        "<h2>Pairs by evidence</h2>",
        _pairs_table(result) if result.pairs else "<p>No two submissions share unusual code."
                                                   "</p>",
        "<h2>Problems and notes, per submission</h2>",
        _problems_table(result),
    ]
    body += [_pair_section(result, i) for i in result.detailed()]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Copied code in {_e(result.hw)}</title><style>{_CSS}</style></head>"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")
