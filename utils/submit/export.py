"""``export_submission``: saved notebooks and modules -> one PDF (+ the code zip).

Steps: read the manifest, find a browser, run the pre-flight checks on the saved files (in
a kernel, also whether its notebook was saved since it last ran, ``onscreen``), print every
notebook (waiting for MathJax, then checking that all math rendered; the export cell left
out; each written question on a fresh page, with anchors that locate it and its figures)
and every module with one browser launch, print a cover listing the questions with their
pages, the contents and the warnings, merge with bookmarks, and only then move the
finished PDF and zip into place. A refusal or a crash leaves no partial file behind.
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

from utils.submit.browser import BrowserSession, MathProblem, OpenDocument
from utils.submit.code_html import code_to_html
from utils.submit.codezip import plan_zip, write_zip
from utils.submit.detect import find_browser
from utils.submit.errors import PreflightError, SubmitError
from utils.submit.manifest import Manifest, load_manifest, manifest_from_mapping
from utils.submit.onscreen import unsaved_changes
from utils.submit.page_map import PlacedQuestion, bookmarks, marks, page_list, place
from utils.submit.pdf import Part, merge_parts
from utils.submit.preflight import check_assignment, describe_cell, is_export_cell
from utils.submit.progress import Progress, TerminalProgress, show_in_notebook
from utils.submit.questions import Question, notebook_questions
from utils.submit.title_page import MAP_TITLE, TitleInfo, title_page_html

COVER_LABEL = "Cover page (checks and contents)"
OPEN_AT_ONCE = 4  # notebook pages loaded in the browser at the same time
MATH_HINT = ("Check that every $ has a partner and that \\( \\), \\[ \\] and "
             "\\begin{..} \\end{..} are balanced.")


@dataclass
class SubmissionResult:
    """What an export wrote. In a notebook it displays as its short summary."""

    pdf_path: Path
    zip_path: Path | None
    pages: int
    warnings: list[str] = field(default_factory=list)
    zip_files: list[str] = field(default_factory=list)
    contents: list[tuple[str, int, int]] = field(default_factory=list)  # file, first, pages
    seconds: float = 0.0
    questions: list[PlacedQuestion] = field(default_factory=list)
    saved: dict[str, str] = field(default_factory=dict)  # notebook -> when it was saved
    _shown_in: int | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """Human-readable report: files written, pages, sizes, questions, warnings."""
        lines = [f"Wrote {self.pdf_path}: {self.pages} pages, "
                 f"{_size(self.pdf_path.stat().st_size)}"]
        lines += [f"  page {first:>3}  {name} ({count} page{'s' if count != 1 else ''})"
                  for name, first, count in self.contents]
        if self.questions:
            lines.append(f"{MAP_TITLE} (select these pages on Gradescope; also on page 1):")
            lines += [f"  {item.question.title:<16} {item.question.notebook:<24} pages "
                      f"{page_list(item.pages) or '?'}" for item in self.questions]
        if self.zip_path is not None:
            lines.append(f"Wrote {self.zip_path}: {len(self.zip_files)} files, "
                         f"{_size(self.zip_path.stat().st_size)}")
            lines.append("  " + ", ".join(self.zip_files))
        lines += self._warning_lines()
        lines.append(f"Done in {self.seconds:.1f} s.")
        return "\n".join(lines)

    def short_summary(self) -> str:
        """A few lines for a notebook cell: what was written, from which saves, warnings."""
        written = f"{self.pdf_path.name} ({self.pages} pages"
        written += (f", {len(self.questions)} written questions mapped to their pages on "
                    "page 1)" if self.questions else ")")
        if self.zip_path is not None:
            written += f" and {self.zip_path.name} ({len(self.zip_files)} files)"
        lines = [f"Wrote {written} in {self.pdf_path.parent}, in {self.seconds:.0f} s."]
        if self.saved:
            lines.append("Printed as saved: " + ", ".join(
                f"{name} at {when}" for name, when in self.saved.items())
                + " (changes made since are not in it).")
        lines += self._warning_lines() or ["No warnings."]
        return "\n".join(lines)

    def _warning_lines(self) -> list[str]:
        if not self.warnings:
            return []
        return [f"Warnings ({len(self.warnings)}), also stamped on page 1:",
                *(f"  - {warning}" for warning in self.warnings)]

    def __repr__(self) -> str:
        return (f"SubmissionResult({self.pdf_path.name}, {self.pages} pages, "
                f"{len(self.warnings)} warning(s))")

    def _ipython_display_(self) -> None:
        """The short summary, unless the export already showed it in this very cell."""
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        if shell is not None and self._shown_in == shell.execution_count:
            return
        display({"text/plain": self.short_summary()}, raw=True)


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
    questions: dict[str, list[Question]] = field(default_factory=dict)  # by notebook


def _last_shown(cells: list[Any], hidden: set[str]) -> str | None:
    shown = [cell["id"] for cell in cells if cell["id"] not in hidden]
    return shown[-1] if shown else None


def _print_notebooks(session: BrowserSession, folder: Path, names: list[str], title: str,
                     progress: Progress, force: bool, page_breaks: bool,
                     printed: _Printed) -> None:
    """Print each notebook, collecting math problems, web resources that were blocked and
    where its written questions landed. Export cells are left out of the page.

    Up to ``OPEN_AT_ONCE`` pages are open together: a notebook's math typesets in the
    browser while the next notebook is converted to HTML and loaded.
    """
    # Imported here: nbconvert and nbformat take over a second, and refusals need neither.
    from utils.submit.notebook_html import load_notebook, notebook_to_html, with_cell_ids

    opened: deque[tuple[str, list[Any], dict[str, int], OpenDocument]] = deque()

    def finish_oldest() -> None:
        name, cells, positions, open_doc = opened.popleft()
        progress.set_postfix_str(name)
        doc = session.finish(open_doc)
        printed.math_refusals += [_math_refusal(name, cells, positions, problem)
                                  for problem in doc.math_problems]
        printed.warnings += [f"{name}: not loaded (the PDF is printed offline): {url}"
                             for url in doc.blocked_urls]
        printed.parts.append(Part(name, doc.pdf, doc.headings))
        progress.update()

    group = 0
    for name in names:
        progress.set_postfix_str(name)
        try:
            nb = with_cell_ids(load_notebook(folder / name))
        except ValueError as exc:
            if not force:
                raise PreflightError([str(exc)], warnings=printed.warnings) from None
            printed.forced.append(str(exc))
            progress.update()
            continue
        questions = notebook_questions(nb.cells, name, group + 1)
        group += bool(questions)
        printed.questions[name] = questions
        printed.warnings += [f"{name}: {q.label} ({q.number}) is not answered yet"
                             for q in questions if not q.answered]
        hidden = {cell["id"] for cell in nb.cells if is_export_cell(cell)}
        page, positions = notebook_to_html(nb, folder / name, session.mathjax_url,
                                           title=f"{title}: {name}", hide=hidden)
        if len(opened) == OPEN_AT_ONCE:
            finish_oldest()
        opened.append((name, nb.cells, positions, session.open(
            page, header=_header(name, title), footer=_footer(name),
            marks=marks(questions, page_breaks, _last_shown(nb.cells, hidden))
            if questions else None)))
    while opened:
        finish_oldest()


def _print_modules(session: BrowserSession, folder: Path, names: list[str], title: str,
                   progress: Progress, printed: _Printed) -> None:
    """Print each module: numbered, highlighted, wrapped lines. (A code page has nothing
    left to do once loaded, so unlike notebooks there is nothing to overlap.)"""
    for name in names:
        progress.set_postfix_str(name)
        source = (folder / name).read_text(encoding="utf-8", errors="replace")
        doc = session.print_html(code_to_html(source, name), header=_header(name, title),
                                 footer=_footer(name), wait_for_math=False, check=False)
        printed.parts.append(Part(name, doc.pdf))
        progress.update()


def _placed(printed: _Printed, cover_pages: int) -> list[PlacedQuestion]:
    """Every question with its pages, the cover taking the first ``cover_pages``."""
    placed, first = [], cover_pages + 1
    for part in printed.parts:
        placed += place(printed.questions.get(part.label, []), part, first)
        first += part.pages
    return placed


def _print_cover(session: BrowserSession, info: TitleInfo, printed: _Printed,
                 running_title: str) -> Part:
    """Print the cover page, its contents and question pages numbered after the cover's
    own page count."""
    cover_pages = 1
    for _ in range(3):  # a long map or warning list may push the cover onto a second page
        info.contents, first = [], cover_pages + 1
        for part in printed.parts:
            info.contents.append((part.label, first, part.pages))
            first += part.pages
        info.questions = _placed(printed, cover_pages)
        doc = session.print_html(title_page_html(info), header=_header("", running_title),
                                 footer=_footer("cover page"), wait_for_math=False,
                                 check=False)
        cover = Part(COVER_LABEL, doc.pdf)
        if cover.pages == cover_pages:
            break
        cover_pages = cover.pages
    return cover


def _write_outputs(parts: list[Part], pdf_path: Path, title: str, folder: Path,
                   zip_names: list[str], zip_path: Path | None,
                   questions: list[PlacedQuestion]) -> int:
    """Write the PDF (and zip) to temporary files, then move both into place."""
    temps: list[Path] = []
    try:
        temps.append(_temp_beside(pdf_path))
        pages = merge_parts(parts, temps[-1], title=title,
                            bookmarks=bookmarks(questions, MAP_TITLE))
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
            page_breaks: bool, progress: Progress,
            unsaved: list[str]) -> SubmissionResult:
    started = time.perf_counter()
    kind = "answer_key" if answer_key else "submission"
    pdf_path = out / f"{manifest.assignment}_{kind}.pdf"
    zip_path = out / f"{manifest.assignment}_code.zip" if make_zip and not answer_key else None
    stale = _stale_note(*[p for p in (pdf_path, zip_path) if p is not None])
    executable = find_browser(browser)
    findings = check_assignment(folder, manifest)
    refusals = unsaved + findings.refusals
    if refusals and not force:
        raise PreflightError(refusals, note=stale, warnings=findings.warnings)
    notebooks = [n for n in manifest.notebooks if (folder / n).is_file()]
    modules = [m for m in manifest.modules if (folder / m).is_file()]
    zip_plan = plan_zip(folder, manifest)
    printed = _Printed(forced=list(refusals), warnings=list(findings.warnings))

    out.mkdir(parents=True, exist_ok=True)
    progress.reset(len(notebooks) + len(modules) + 1)
    with BrowserSession(executable) as session:
        try:
            _print_notebooks(session, folder, notebooks, manifest.title, progress, force,
                             page_breaks, printed)
        except PreflightError as exc:
            raise PreflightError(exc.problems, note=stale, warnings=exc.warnings) from None
        if printed.math_refusals and not force:
            raise PreflightError(printed.math_refusals, note=stale, warnings=printed.warnings)
        printed.forced += printed.math_refusals
        _print_modules(session, folder, modules, manifest.title, progress, printed)
        progress.set_postfix_str("cover page")
        info = TitleInfo(title=manifest.title + (" \u2014 answer key" if answer_key else ""),
                         assignment=manifest.assignment,
                         generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
                         zip_files=zip_plan.included if zip_path else None,
                         warnings=printed.warnings, forced=printed.forced,
                         answer_key=answer_key, note=title_note)
        cover = _print_cover(session, info, printed, manifest.title)
        progress.update()
    pages = _write_outputs([cover, *printed.parts], pdf_path, info.title, folder,
                           zip_plan.included, zip_path, info.questions)
    contents = [(COVER_LABEL, 1, cover.pages)] + [
        (f"{name} (saved {_saved_at(folder / name)})" if name.endswith(".ipynb") else name,
         first, count) for name, first, count in info.contents]
    return SubmissionResult(pdf_path=pdf_path, zip_path=zip_path, pages=pages,
                            warnings=printed.forced + printed.warnings,
                            zip_files=zip_plan.included if zip_path else [],
                            contents=contents, seconds=time.perf_counter() - started,
                            questions=info.questions,
                            saved={name: _saved_at(folder / name)[11:] for name in notebooks})


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _in_kernel() -> bool:
    """True when called from a Jupyter kernel (IPython's kernel shell is running)."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module is not None else None
    return shell is not None and "ipykernel" in sys.modules and hasattr(shell, "kernel")


def export_submission(assignment_dir: str | os.PathLike[str] = ".",
                      out_dir: str | os.PathLike[str] | None = None, *,
                      force: bool = False, browser: str | os.PathLike[str] | None = None,
                      make_zip: bool = True, answer_key: bool = False,
                      title_note: str | None = None,
                      manifest: Manifest | Mapping[str, Any] | None = None,
                      quiet: bool = False, page_breaks: bool = True) -> SubmissionResult:
    """Export an assignment folder to ``<assignment>_submission.pdf`` and ``_code.zip``.

    The files come from ``assignment.json`` (or ``manifest``). Notebooks are judged and
    printed as last saved: from a notebook cell, save the notebook first (the export
    refuses when it sees that the saved copy is older than what the kernel ran). Raises
    ``PreflightError`` (a check refused; nothing written), ``ManifestError`` or
    ``BrowserNotFoundError``. ``force=True`` exports despite refusals and stamps them on
    page 1; ``answer_key=True`` titles the PDF "Answer key", names it
    ``<assignment>_answer_key.pdf`` and writes no zip. ``browser`` overrides detection
    (as does the ``NNDL_BROWSER`` environment variable). ``page_breaks=False`` prints
    written questions where they fall instead of each on a fresh page.

    In a terminal it prints the full report; in a notebook it shows a progress line that
    becomes a short summary, and the returned result displays nothing more in that cell.
    """
    folder = Path(assignment_dir).expanduser().resolve()
    resolved = _resolve_manifest(manifest, folder) if manifest is not None \
        else load_manifest(folder)
    out = Path(out_dir).expanduser().resolve() if out_dir is not None else folder
    if out.exists() and not out.is_dir():
        raise SubmitError(f"--out {out} is a file, not a folder: pass a folder to write "
                          "the PDF and zip into.")
    in_kernel = _in_kernel()
    unsaved = unsaved_changes(folder, resolved.notebooks) if in_kernel else []
    progress: Progress = Progress() if in_kernel else TerminalProgress(quiet)
    kwargs = dict(force=force, browser=os.fspath(browser) if browser else None,
                  make_zip=make_zip, answer_key=answer_key, title_note=title_note,
                  manifest=resolved, page_breaks=page_breaks, progress=progress,
                  unsaved=unsaved)
    if in_kernel and not quiet:
        from IPython import get_ipython

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nndl-submit") as pool:
            future = pool.submit(_export, folder, out, **kwargs)
            result = show_in_notebook(future, progress,
                                      lambda done: {"text/plain": done.short_summary()})
        result._shown_in = get_ipython().execution_count
        return result
    try:
        if _in_running_loop():  # Playwright's sync API needs a thread without an event loop
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nndl-submit") as pool:
                result = pool.submit(_export, folder, out, **kwargs).result()
        else:
            result = _export(folder, out, **kwargs)
    finally:
        if isinstance(progress, TerminalProgress):
            progress.close()
    if not quiet:
        print(result.summary())
    return result
