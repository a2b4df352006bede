"""The nbgrader bridge: graded cells, the gradebook, confined kernels, batches of students,
feedback pages."""
