"""Typed tool wrappers the agent calls: thin adapters over knowledge/ and labs/, one registry."""
