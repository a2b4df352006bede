"""``course similarity``: find copied code across a class and against known solutions.

One module per step, each feeding the next:

* ``collect``: find the submissions (nbgrader's ``submitted/<student>/<hw>/``, or one
  folder or zip per student as Gradescope exports them) and read their ``.py`` modules and
  notebook code cells without trusting anything in them;
* ``normalize``: turn each function, method, module-level block or notebook cell into a
  token stream that renaming, reordering, comments and reformatting do not change
  (``fallback`` for code that does not parse);
* ``fingerprint``: winnow the hashed token k-grams of every unit;
* ``compare``: weigh each fingerprint by how rare it is across the class, the reference
  and the known solutions (the released stub weighs nothing), and rank the pairs;
* ``report``: the HTML report (pairs, per-function breakdown, side-by-side matches) and
  the CSV.

``reader`` runs the first three steps for one submission (in worker processes) and
``synthetic`` builds disguised copies and classes for the tests and the benchmark.
"""

FLAG_EVIDENCE = 25.0  # pairs with this much evidence are flagged (see ``compare``)
