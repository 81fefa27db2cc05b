"""Natural-products lab: NP-likeness and the NPClassifier reference classes."""
