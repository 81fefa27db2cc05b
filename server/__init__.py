"""The composition root: one `Settings`, the wiring that turns it into concrete backends (`Runtime`), the CLI,
the HTTP API with its dashboard, and the MCP server. Nothing below imports it; `Runtime` never leaves it."""
