"""The training-data factory: compound sources, the per-compound facts the tasks render, the worker pool that
writes part files, and the data-set files with their card."""
