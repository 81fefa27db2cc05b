"""Chemistry lab: small pure functions over RDKit (properties, structure questions, similarity, featurizers)
and the lab that runs them."""
