"""Running student code in a separate, limited process.

``Student`` (parent side) starts ``worker`` (child side) and calls the student's functions
there. Arguments travel to the child by pickle; results come back through ``codec``, a
format that can only describe data (numbers, arrays, strings, containers), so nothing the
student returns can run code in the grader. ``kernel`` gives nbgrader's notebook kernels
the same confinement (``isolation``); ``kernel_server`` forks those kernels from a
process that has already imported ipykernel, numpy and matplotlib.

Import from the sub-modules: this package imports nothing, so the processes it starts
(workers, kernels) load only what they use.
"""
