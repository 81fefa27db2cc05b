"""Serving the student: merge and quantize for export, and the `vllm serve` command line."""
