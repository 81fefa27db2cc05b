"""The markdown form of one discovery-loop iteration's digest (the JSON form is the digest itself)."""

from __future__ import annotations

from typing import Any


def digest_markdown(loop: dict[str, Any], digest: dict[str, Any]) -> str:
    lines = [f"# Discovery loop `{loop['name']}` — iteration {digest['iteration']}", "", f"> {loop['program']}", ""]
    lines += [f"New documents ingested: {digest['new_documents']}; newly seen compounds: "
              f"{', '.join(digest['new_compounds']) or 'none'}.", ""]  # fmt: skip
    if digest["new_findings"]:
        lines += ["## New findings", ""]
        for f in digest["new_findings"]:
            lines.append(f"- {f['text']} (sources: {', '.join(f['citations'])}; run `{f['run_id']}`)")
        lines.append("")
    else:
        lines += ["Nothing new since the last iteration.", ""]
    if digest["labs"]:
        lines += ["## Labs on new compounds", ""]
        lines += [f"- {r['compound']}: {r['summary']} (`{r['experiment_id']}`)" for r in digest["labs"]] + [""]
    if digest.get("stopped_early"):
        lines += [f"Stopped early: {digest['stopped_early']}.", ""]
    return "\n".join(lines)
