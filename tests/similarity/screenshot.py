"""Refresh docs/img/similarity_report.png: `python tests/similarity/screenshot.py`.

Builds a synthetic hw1 class (the reference, its mutants, the independent authors, a
disguised copy of one of them, and a student who copied a "public" solution), runs the
real `course similarity` on it, and photographs the top of the report with Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from classroom import ROOT, author_bodies, build_class, course, write_student

HW = "hw1_softmax"
NAMES = {"ana": "alice.ng", "copier": "bob.reyes", "ben": "carol.diaz", "cai": "dev.patel",
         "dan": "erin.wu", "ref": "gina.ross"}
OUT = ROOT / "docs" / "img" / "similarity_report.png"
WIDTH = 1280


def main(browser: str = "/usr/bin/chromium") -> Path:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = build_class(base / "class", HW, authors=["ana", "ben", "dan"])
        for old, new in NAMES.items():
            if (folder / old).exists():
                (folder / old).rename(folder / new)
        for i, student in enumerate(sorted(folder.glob("mutant*")) + sorted(folder.glob("stub*"))):
            student.rename(folder / f"student{i + 1:02d}")
        write_student(folder / "frank.li", HW, author_bodies(HW, "cai"), seed=5, line_length=79)
        repo = base / "cs231n-solutions-2019"
        write_student(repo / "assignment1", HW, author_bodies(HW, "cai"))
        report = base / "report.html"
        proc = course("similarity", HW, str(folder), "--against", str(repo), "--out",
                      str(report))
        if proc.returncode:
            raise SystemExit(proc.stderr)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=browser, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            page = chromium.new_page(viewport={"width": WIDTH, "height": 900})
            page.goto(report.as_uri())
            bottom = page.evaluate("document.querySelector('.pair').getBoundingClientRect()"
                                   ".bottom + window.scrollY")
            OUT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT), full_page=True,
                            clip={"x": 0, "y": 0, "width": WIDTH, "height": int(bottom) + 12})
            chromium.close()
    return OUT


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
