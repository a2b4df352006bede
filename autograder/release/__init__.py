"""Building ``release/<hw>`` from ``source/<hw>`` (nbgrader + stripping .py solutions)."""
