"""Running student code in a separate, limited process.

``Student`` (parent side) starts ``worker`` (child side) and calls the student's functions
there. Arguments travel to the child by pickle; results come back through ``codec``, a
format that can only describe data (numbers, arrays, strings, containers), so nothing the
student returns can run code in the grader. ``isolation`` confines a process (own uid, no
network, private paths hidden, read-only files); ``boot`` starts one without importing
anything from its folder. The nbgrader bridge's kernels use the same two.

Import from the sub-modules: this package imports nothing, so the processes it starts
(workers, kernels) load only what they use.
"""
