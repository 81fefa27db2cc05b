"""The bottom of the house, neutral to every domain: the error hierarchy users see, the one molecule parser,
the generic registry, and the SQLAlchemy engine factory. It imports nothing else from ECH0."""
