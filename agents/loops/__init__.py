"""Autonomous discovery loops: their store, one iteration's work, and the digest of what they found."""
