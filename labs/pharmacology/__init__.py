"""Pharmacology: ADMET property models trained on the shipped measured sets."""
