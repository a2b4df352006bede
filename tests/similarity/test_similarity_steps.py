"""The steps of `course similarity` one by one: normalization, fingerprints, weights."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from classroom import ROOT, author_bodies
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.similarity import compare, reader, synthetic
from autograder.similarity.collect import Snippet
from autograder.similarity.fingerprint import K, W, fingerprint
from autograder.similarity.normalize import Unit

HW = "hw1_softmax"
STUB = reader.build_stub(ROOT / "release" / HW)


def _units(text: str, name: str = "softmax.py") -> dict[str, Unit]:
    return {u.name: u for u in reader.module_units(name, text, STUB, [])}


def _prints(unit: Unit) -> set[int]:
    return set(fingerprint([unit]).hashes.tolist())


def _tokens(source: str) -> list[str]:
    """The tokens of function ``f`` in ``source``."""
    units = reader.module_units("m.py", textwrap.dedent(source), reader.Stub(), [])
    return next(u.tokens for u in units if u.name == "f")


def test_a_disguised_reformatted_copy_has_the_same_fingerprints():
    """Do renaming, reordering, new comments and ruff's reformatting leave every graded
    function's fingerprints unchanged?"""
    release = (ROOT / "release" / HW / "softmax.py").read_text()
    text = synthetic.fill(release, author_bodies(HW, "cai")["softmax.py"])
    copy = synthetic.reformat(synthetic.disguise(text, seed=1), line_length=55)
    assert copy != text and "    # " in copy
    original, disguised = _units(text), _units(copy)
    graded = ["softmax_loss_naive", "softmax_loss_vectorized", "SoftmaxClassifier.train",
              "SoftmaxClassifier.predict"]
    for name in graded:
        assert _prints(original[name]) == _prints(disguised[name]), name
        assert len(_prints(original[name])) > 3


def test_imports_are_read_under_their_real_names():
    """Do ``np.sum``, ``numpy.sum`` and ``from numpy import sum as total`` read alike?"""
    a = _tokens("""
        import numpy as np
        def f(x):
            return np.sum(x, axis=0)
        """)
    b = _tokens("""
        from numpy import sum as total
        def f(values):
            return total(values, axis=0)
        """)
    c = _tokens("""
        import numpy
        def f(x):
            return numpy.sum(x, axis=0)
        """)
    assert a == b == c
    assert "numpy" in a and "sum" in a and "axis" in a


def test_docstrings_annotations_strings_and_parentheses_leave_no_trace():
    """Do docstrings, type annotations, string contents, redundant parentheses and line
    breaks change nothing, while an operator does?"""
    a = _tokens('''
        def f(x: "np.ndarray", n: int = 3) -> float:
            """Add things."""
            y: float = (x + n) * 2
            raise ValueError(f"bad {x}")
        ''')
    b = _tokens('''
        def f(v, m=3):
            y = ((v + m)
                 * 2)
            raise ValueError("another message")
        ''')
    c = _tokens('''
        def f(v, m=3):
            y = (v - m) * 2
            raise ValueError("another message")
        ''')
    assert a == b and a != c


def test_which_value_flows_where_still_counts():
    """Does a consistent renaming keep the fingerprints while using another variable in
    one place changes them?"""
    body = """
        def f(x, y, z):
            a = x * y + z
            b = a - x
            c = b * b + a
            return c - y
        """
    renamed = body.replace("a", "p").replace("b", "q")
    swapped = body.replace("b = a - x", "b = a - y")
    assert _tokens(body) != _tokens(swapped)
    f = [_units(textwrap.dedent(t), "m.py")["f"] for t in (body, renamed, swapped)]
    assert _prints(f[0]) == _prints(f[1]) and _prints(f[0]) != _prints(f[2])


def _unit(tokens: list[str], name: str = "u") -> Unit:
    return Unit("f.py", name, 1, [""], list(tokens), [1] * len(tokens), [1] * len(tokens))


_words = st.lists(st.sampled_from([f"t{i}" for i in range(40)] + ["$0", "$1", "$2"]),
                  max_size=60)


@settings(max_examples=60, deadline=None)
@given(_words, _words, _words, st.integers(min_value=0, max_value=10))
def test_winnowing_finds_every_long_shared_run(left, right, other, extra):
    """Do two units sharing a run of K + W - 1 tokens or more always share a fingerprint?"""
    run = [f"r{i % 7}" for i in range(K + W - 1 + extra)]
    a = fingerprint([_unit(left + run + right)])
    b = fingerprint([_unit(other + run)])
    assert np.intersect1d(a.hashes, b.hashes).size >= 1


@settings(max_examples=40, deadline=None)
@given(st.lists(_words, min_size=2, max_size=5), st.randoms(use_true_random=False))
def test_a_units_fingerprints_do_not_depend_on_its_neighbours(streams, rnd):
    """Are a unit's fingerprints the same alone, among others, and in another order?"""
    units = [_unit(s, f"u{i}") for i, s in enumerate(streams)]
    shuffled = units[:]
    rnd.shuffle(shuffled)
    together, reordered = fingerprint(units), fingerprint(shuffled)
    for i, unit in enumerate(units):
        alone = set(fingerprint([unit]).hashes.tolist())
        assert set(together.hashes[together.units == i].tolist()) == alone
        j = shuffled.index(unit)
        assert set(reordered.hashes[reordered.units == j].tolist()) == alone


def test_rarity_falls_from_one_to_zero():
    """Does a fingerprint two documents share count 1, less the more documents share it,
    and 0 from the common count on?"""
    common = compare.common_df(500)
    assert common == 25 and compare.common_df(20) == compare.MIN_COMMON
    weights = compare.rarity(np.arange(2, 40), common)
    assert weights[0] == 1 and np.all(np.diff(weights) <= 0)
    assert weights[common - 2] == 0 and weights[-1] == 0
    assert math.isclose(compare.rarity(np.array([5]), 25)[0], math.log(5) / math.log(12.5))


def test_the_parts_of_a_file_that_parse_keep_their_functions():
    """In a file with a syntax error in one function, do the other functions keep their
    names and the same tokens as in the intact file?"""
    release = (ROOT / "release" / HW / "softmax.py").read_text()
    text = synthetic.fill(release, author_bodies(HW, "ben")["softmax.py"])
    broken = text.replace("    N = X.shape[0]\n    scores = X @ W\n",
                          "    N = X.shape[0]\n    scores = X @ W)\n")
    assert broken != text
    problems: list[str] = []
    intact = _units(text)
    units = {u.name: u for u in reader.module_units("softmax.py", broken, STUB, problems)}
    assert problems and "does not parse" in problems[0]
    assert units["softmax_loss_naive"].tokens == intact["softmax_loss_naive"].tokens
    assert "softmax_loss_vectorized" in units  # compared as plain tokens
    assert units["softmax_loss_vectorized"].tokens != intact["softmax_loss_vectorized"].tokens


def test_notebook_cells_magics_and_untouched_cells():
    """Are IPython magics tolerated, untouched released cells skipped, and a cell the
    student wrote kept as its own unit?"""
    released = next(iter(STUB.cells["softmax.ipynb"]))
    cells = [Snippet("softmax.ipynb", "cell 1", released),
             Snippet("softmax.ipynb", "cell 2 [mine]",
                     "%matplotlib inline\n!pip list\nlrs = [1e-2, 1e-1]\nfor lr in lrs:\n"
                     "    print(lr * 2)\nnp.sum?\n")]
    problems: list[str] = []
    units = reader.notebook_units("softmax.ipynb", cells, STUB, problems)
    assert [u.name for u in units] == ["cell 2 [mine]"] and not problems
    assert units[0].tokens[:2] != ["%", "matplotlib"] and "print" in units[0].tokens
