"""How an instructor checks a suite: seeded bugs (``mutants``), trivial answers
(``degenerate``), and simulated classes built from them (``simulate``, which the tests,
the benchmarks and the demo share)."""
