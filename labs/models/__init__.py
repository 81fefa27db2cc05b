"""Property models: scaffold splits, a kernel + forest ensemble with uncertainty and an applicability domain,
a Morgan-fingerprint random-forest baseline, and an on-disk registry of versioned models.

Entry points: `labs.models.train.train_property_model` and `labs.models.predict.predict_smiles` / `predict_csv`.
"""
