"""The dashboard's pieces: sign-in (auth), page data (pages), the lineage SVG (lineage), templates and static files.

The routes are in server.api.dashboard.
"""
