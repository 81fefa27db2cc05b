"""`ech0 mcp`: ECH0's tools and `ask` over stdio, driven by the official MCP SDK's stdio client."""

from __future__ import annotations

import sys

import anyio


def test_mcp_server_over_stdio(built_data_dir, tmp_path):
    from mcp import Client, StdioServerParameters

    from tests.conftest import MINI_CORPUS
    from tools.registry import list_tools

    env = {
        "ECH0_DATA_DIR": str(built_data_dir),
        "ECH0_DATABASE_URL": f"sqlite:///{tmp_path / 'mcp.db'}",
        "ECH0_KNOWLEDGE__CORPUS_PATH": str(MINI_CORPUS),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "server.cli", "mcp"], env=env)

    async def session():
        with anyio.fail_after(120):
            await exercise()

    async def exercise():
        async with Client(params) as client:
            listed = await client.list_tools()
            names = {t.name for t in listed.tools}
            assert names == {spec.name for spec in list_tools()} | {"ask"}
            lookup = next(t for t in listed.tools if t.name == "compound_lookup")
            assert lookup.input_schema["required"] == ["query"]

            found = await client.call_tool("compound_lookup", {"query": "metformin"})
            assert not found.is_error and "drugcentral:1725" in str(found.structured_content)

            report = await client.call_tool("ask", {"request": "How many rings are in c1ccc2ccccc2c1?"})
            assert not report.is_error
            result = report.structured_content
            assert "**Answer:** 2" in result["report_markdown"] and result["citations"][0]["id"].startswith("exp-")

            bad = await client.call_tool("ask", {"request": "What is the logP of C1CC(=O?"})
            assert bad.is_error and "invalid SMILES 'C1CC(=O'" in bad.content[0].text
            wrong = await client.call_tool("compound_lookup", {"smiles": "CCO"})
            assert wrong.is_error and "query" in wrong.content[0].text

    anyio.run(session)
