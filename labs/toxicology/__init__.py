"""Toxicology lab: structural alerts (PAINS, Brenk, NIH) through RDKit's FilterCatalog."""
