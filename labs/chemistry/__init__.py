"""Chemistry lab: small pure functions over RDKit (parsing, properties) and the lab that runs them."""
