"""The composition root: settings, wiring, the CLI (and later the HTTP API). Nothing below imports it."""
