"""``export_submission``: saved notebooks and modules -> one PDF (+ the code zip).

Steps: read the manifest, find a browser, run the pre-flight checks on the saved files,
print every notebook (waiting for MathJax, then checking that all math rendered) and every
module with one browser launch, print a first page listing contents and warnings, merge
with bookmarks, and only then move the finished PDF and zip into place. A refusal or a crash
leaves no partial file behind.
"""

from __future__ import annotations

import asyncio
import html
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from utils.submit.browser import BrowserSession, MathProblem, OpenDocument
from utils.submit.code_html import code_to_html
from utils.submit.codezip import plan_zip, write_zip
from utils.submit.detect import find_browser
from utils.submit.errors import PreflightError, SubmitError
from utils.submit.manifest import Manifest, load_manifest, manifest_from_mapping
from utils.submit.pdf import Part, merge_parts
from utils.submit.preflight import check_assignment, describe_cell
from utils.submit.title_page import TitleInfo, title_page_html

COVER_LABEL = "Cover page (checks and contents)"
OPEN_AT_ONCE = 4  # notebook pages loaded in the browser at the same time
MATH_HINT = ("Check that every $ has a partner and that \\( \\), \\[ \\] and "
             "\\begin{..} \\end{..} are balanced.")


@dataclass
class SubmissionResult:
    """What an export wrote."""

    pdf_path: Path
    zip_path: Path | None
    pages: int
    warnings: list[str] = field(default_factory=list)
    zip_files: list[str] = field(default_factory=list)
    contents: list[tuple[str, int, int]] = field(default_factory=list)  # file, first, pages
    seconds: float = 0.0

    def summary(self) -> str:
        """Human-readable report: files written, pages, sizes, warnings."""
        lines = [f"Wrote {self.pdf_path}: {self.pages} pages, "
                 f"{_size(self.pdf_path.stat().st_size)}"]
        lines += [f"  page {first:>3}  {name} ({count} page{'s' if count != 1 else ''})"
                  for name, first, count in self.contents]
        if self.zip_path is not None:
            lines.append(f"Wrote {self.zip_path}: {len(self.zip_files)} files, "
                         f"{_size(self.zip_path.stat().st_size)}")
            lines.append("  " + ", ".join(self.zip_files))
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}), also stamped on page 1:")
            lines += [f"  - {warning}" for warning in self.warnings]
        lines.append(f"Done in {self.seconds:.1f} s.")
        return "\n".join(lines)


def _size(nbytes: int) -> str:
    return f"{nbytes / 1024:.0f} KB" if nbytes < 1024 * 1024 else f"{nbytes / 2**20:.1f} MB"


def _header(left: str, right: str) -> str:
    return ('<div style="width:100%;font-size:8px;font-family:sans-serif;color:#555;'
            'padding:0 0.5in;display:flex;justify-content:space-between;">'
            f"<span>{html.escape(left)}</span><span>{html.escape(right)}</span></div>")


def _footer(label: str) -> str:
    return ('<div style="width:100%;font-size:8px;font-family:sans-serif;color:#555;'
            f'text-align:center;">{html.escape(label)} \u2014 page '
            '<span class="pageNumber"></span> of <span class="totalPages"></span></div>')


def _math_refusal(name: str, cells: list[Any], positions: dict[str, int],
                  problem: MathProblem) -> str:
    index = positions.get(problem.cell_id)
    where = f"{name}, {describe_cell(index, cells[index - 1])}" if index else name
    if problem.kind == "error":
        return (f"{where}: math did not render: MathJax reports '{problem.message}' in "
                f"'{problem.snippet}'. Fix the TeX. ")
    return (f"{where}: math did not render: raw TeX left in the page near "
            f"'{problem.snippet}'. {MATH_HINT}")


def _stale_note(*paths: Path) -> str:
    old = [p for p in paths if p.is_file()]
    if not old:
        return ""
    when = datetime.fromtimestamp(old[0].stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return (f"Note: {old[0].name} (from an earlier export, {when}) is still there; it does "
            "not contain your latest work.")


def _resolve_manifest(manifest: Manifest | Mapping[str, Any] | None, folder: Path) -> Manifest:
    if manifest is None:
        return load_manifest(folder)
    if isinstance(manifest, Manifest):
        return manifest
    return manifest_from_mapping(manifest, where="manifest argument")


def _temp_beside(final: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.",
                                    suffix=".partial")
    os.close(handle)
    return Path(name)


def _saved_at(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class _Printed:
    """What the browser produced for the files, before the cover page."""

    parts: list[Part] = field(default_factory=list)
    math_refusals: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _print_notebooks(session: BrowserSession, folder: Path, names: list[str], title: str,
                     bar: tqdm, force: bool, printed: _Printed) -> None:
    """Print each notebook, collecting math problems and web resources that were blocked.

    Up to ``OPEN_AT_ONCE`` pages are open together: a notebook's math typesets in the
    browser while the next notebook is converted to HTML and loaded.
    """
    # Imported here: nbconvert and nbformat take over a second, and refusals need neither.
    from utils.submit.notebook_html import load_notebook, notebook_to_html

    opened: deque[tuple[str, list[Any], dict[str, int], OpenDocument]] = deque()

    def finish_oldest() -> None:
        name, cells, positions, open_doc = opened.popleft()
        bar.set_postfix_str(name)
        doc = session.finish(open_doc)
        printed.math_refusals += [_math_refusal(name, cells, positions, problem)
                                  for problem in doc.math_problems]
        printed.warnings += [f"{name}: not loaded (the PDF is printed offline): {url}"
                             for url in doc.blocked_urls]
        printed.parts.append(Part(name, doc.pdf, doc.headings))
        bar.update()

    for name in names:
        bar.set_postfix_str(name)
        try:
            nb = load_notebook(folder / name)
        except ValueError as exc:
            if not force:
                raise PreflightError([str(exc)], warnings=printed.warnings) from None
            printed.forced.append(str(exc))
            bar.update()
            continue
        page, positions = notebook_to_html(nb, folder / name, session.mathjax_url,
                                           title=f"{title}: {name}")
        if len(opened) == OPEN_AT_ONCE:
            finish_oldest()
        opened.append((name, nb.cells, positions,
                       session.open(page, header=_header(name, title), footer=_footer(name))))
    while opened:
        finish_oldest()


def _print_modules(session: BrowserSession, folder: Path, names: list[str], title: str,
                   bar: tqdm, printed: _Printed) -> None:
    """Print each module: numbered, highlighted, wrapped lines. (A code page has nothing
    left to do once loaded, so unlike notebooks there is nothing to overlap.)"""
    for name in names:
        bar.set_postfix_str(name)
        source = (folder / name).read_text(encoding="utf-8", errors="replace")
        doc = session.print_html(code_to_html(source, name), header=_header(name, title),
                                 footer=_footer(name), wait_for_math=False, check=False)
        printed.parts.append(Part(name, doc.pdf))
        bar.update()


def _print_cover(session: BrowserSession, info: TitleInfo, parts: list[Part],
                 running_title: str) -> Part:
    """Print the cover page, its contents numbered after the cover's own page count."""
    cover_pages = 1
    for _ in range(3):  # a long warning list may push the cover onto a second page
        info.contents, first = [], cover_pages + 1
        for part in parts:
            info.contents.append((part.label, first, part.pages))
            first += part.pages
        doc = session.print_html(title_page_html(info), header=_header("", running_title),
                                 footer=_footer("cover page"), wait_for_math=False,
                                 check=False)
        cover = Part(COVER_LABEL, doc.pdf)
        if cover.pages == cover_pages:
            break
        cover_pages = cover.pages
    return cover


def _write_outputs(parts: list[Part], pdf_path: Path, title: str, folder: Path,
                   zip_names: list[str], zip_path: Path | None) -> int:
    """Write the PDF (and zip) to temporary files, then move both into place."""
    temps: list[Path] = []
    try:
        temps.append(_temp_beside(pdf_path))
        pages = merge_parts(parts, temps[-1], title=title)
        if zip_path is not None:
            temps.append(_temp_beside(zip_path))
            write_zip(folder, zip_names, temps[-1])
        os.replace(temps[0], pdf_path)
        if zip_path is not None:
            os.replace(temps[1], zip_path)
        temps.clear()
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return pages


def _export(folder: Path, out: Path, *, force: bool, browser: str | None, make_zip: bool,
            answer_key: bool, title_note: str | None, manifest: Manifest,
            quiet: bool) -> SubmissionResult:
    started = time.perf_counter()
    kind = "answer_key" if answer_key else "submission"
    pdf_path = out / f"{manifest.assignment}_{kind}.pdf"
    zip_path = out / f"{manifest.assignment}_code.zip" if make_zip and not answer_key else None
    stale = _stale_note(*[p for p in (pdf_path, zip_path) if p is not None])
    executable = find_browser(browser)
    findings = check_assignment(folder, manifest)
    if findings.refusals and not force:
        raise PreflightError(findings.refusals, note=stale, warnings=findings.warnings)
    notebooks = [n for n in manifest.notebooks if (folder / n).is_file()]
    modules = [m for m in manifest.modules if (folder / m).is_file()]
    zip_plan = plan_zip(folder, manifest)
    printed = _Printed(forced=list(findings.refusals), warnings=list(findings.warnings))

    out.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(notebooks) + len(modules) + 1, desc="Printing", unit="file",
               disable=quiet, file=sys.stderr, leave=False)
    with bar, BrowserSession(executable) as session:
        try:
            _print_notebooks(session, folder, notebooks, manifest.title, bar, force, printed)
        except PreflightError as exc:
            raise PreflightError(exc.problems, note=stale, warnings=exc.warnings) from None
        if printed.math_refusals and not force:
            raise PreflightError(printed.math_refusals, note=stale, warnings=printed.warnings)
        printed.forced += printed.math_refusals
        _print_modules(session, folder, modules, manifest.title, bar, printed)
        bar.set_postfix_str("cover page")
        info = TitleInfo(title=manifest.title + (" \u2014 answer key" if answer_key else ""),
                         assignment=manifest.assignment,
                         generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
                         zip_files=zip_plan.included if zip_path else None,
                         warnings=printed.warnings, forced=printed.forced,
                         answer_key=answer_key, note=title_note)
        cover = _print_cover(session, info, printed.parts, manifest.title)
        bar.update()
    pages = _write_outputs([cover, *printed.parts], pdf_path, info.title, folder,
                           zip_plan.included, zip_path)
    contents = [(COVER_LABEL, 1, cover.pages)] + [
        (f"{name} (saved {_saved_at(folder / name)})" if name.endswith(".ipynb") else name,
         first, count) for name, first, count in info.contents]
    return SubmissionResult(pdf_path=pdf_path, zip_path=zip_path, pages=pages,
                            warnings=printed.forced + printed.warnings,
                            zip_files=zip_plan.included if zip_path else [],
                            contents=contents, seconds=time.perf_counter() - started)


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def export_submission(assignment_dir: str | os.PathLike[str] = ".",
                      out_dir: str | os.PathLike[str] | None = None, *,
                      force: bool = False, browser: str | os.PathLike[str] | None = None,
                      make_zip: bool = True, answer_key: bool = False,
                      title_note: str | None = None,
                      manifest: Manifest | Mapping[str, Any] | None = None,
                      quiet: bool = False) -> SubmissionResult:
    """Export an assignment folder to ``<assignment>_submission.pdf`` and ``_code.zip``.

    The files come from ``assignment.json`` (or ``manifest``). Notebooks are judged and
    printed as last saved: from a notebook cell, save the notebook first. Raises
    ``PreflightError`` (a check refused; nothing written), ``ManifestError`` or
    ``BrowserNotFoundError``. ``force=True`` exports despite refusals and stamps them on
    page 1; ``answer_key=True`` titles the PDF "Answer key", names it
    ``<assignment>_answer_key.pdf`` and writes no zip. ``browser`` overrides detection
    (as does the ``NNDL_BROWSER`` environment variable).
    """
    folder = Path(assignment_dir).expanduser().resolve()
    resolved = _resolve_manifest(manifest, folder) if manifest is not None \
        else load_manifest(folder)
    out = Path(out_dir).expanduser().resolve() if out_dir is not None else folder
    if out.exists() and not out.is_dir():
        raise SubmitError(f"--out {out} is a file, not a folder: pass a folder to write "
                          "the PDF and zip into.")
    kwargs = dict(force=force, browser=os.fspath(browser) if browser else None,
                  make_zip=make_zip, answer_key=answer_key, title_note=title_note,
                  manifest=resolved, quiet=quiet)
    if _in_running_loop():  # e.g. a Jupyter kernel: Playwright's sync API needs its own thread
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nndl-submit") as pool:
            result = pool.submit(_export, folder, out, **kwargs).result()
    else:
        result = _export(folder, out, **kwargs)
    if not quiet:
        print(result.summary())
        if "ipykernel" in sys.modules:
            print("Exported the notebooks as last saved (times above): if you changed "
                  "anything since, save (Ctrl-S) and run this cell again.")
    return result
