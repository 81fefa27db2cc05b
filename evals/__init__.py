"""Evaluation harness (suites over external files, with reports and plots) and benchmarks against baselines."""
