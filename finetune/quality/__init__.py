"""Quality gates of the training data: every fact recomputed, exact and near-duplicate detection, and the QA
report of `ech0 data check`."""
