"""Labs: computational experiments (chemistry, ADMET, toxicology, natural products) on one protocol."""
