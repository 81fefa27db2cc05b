"""Benchmarks that run ECH0's code and a plain baseline side by side on the same data (`python -m evals.bench.NAME`)."""
