"""Evaluation harness and benchmarks."""
