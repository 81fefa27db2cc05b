"""The HTTP API: one router per resource, composed by server.app.create_app."""
