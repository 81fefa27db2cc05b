"""The report: claims, each with the citations it rests on, and its markdown rendering (pure)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Citation(BaseModel):
    kind: Literal["document", "compound", "experiment", "model", "dataset"]
    id: str = Field(
        description="'scifact:4983' for a document, 'drugcentral:1725' for a compound, 'exp-…' for an experiment, "
        "'admet-solubility@2' for a model version"
    )
    title: str
    detail: dict = Field(default_factory=dict, description="e.g. the cited sentence spans of a document")


class Claim(BaseModel):
    text: str
    citations: list[str] = Field(description="ids of the citations the claim rests on")
    section: str


class Section(BaseModel):
    heading: str
    paragraphs: list[str] = Field(default_factory=list, description="markdown blocks; claims appear as their text")


class Report(BaseModel):
    run_id: str
    request: str
    claims: list[Claim]
    citations: list[Citation]
    sections: list[Section]
    notes: list[str] = Field(default_factory=list, description="what was not found or failed, stated plainly")
    answer: Any = Field(None, description="the value a single-value question asked for (a list for several)")
    reply: str | None = Field(None, description="the answer to a conversational request (a greeting, thanks, scope)")
    parts: list[dict] = Field(
        default_factory=list, description="each clause of the request: its intent and whether it was planned, else why"
    )

    def numbering(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.citations, 1)}

    def refs(self, ids: list[str]) -> str:
        numbers = self.numbering()
        return "".join(f"[{numbers[i]}]" for i in ids if i in numbers)


_ID_LABELS = {"pubmed": "PMID {}", "arxiv": "arXiv:{}"}


def citation_label(citation: Citation) -> str:
    """How a reader finds the source: PMID, arXiv id, corpus id or experiment id, then title and year."""
    if citation.kind == "document":
        source, _, ident = citation.id.partition(":")
        label = _ID_LABELS[source].format(ident) if source in _ID_LABELS else f"`{citation.id}`"
        year = citation.detail.get("year")
        journal = citation.detail.get("journal")
        where = ", ".join(str(x) for x in (journal, year) if x)
        return f"{label} — {citation.title}" + (f" ({where})" if where else "")
    return f"`{citation.id}` — {citation.title}"


def format_answer(answer: Any) -> str:
    if isinstance(answer, list) and answer and all(isinstance(x, list) and len(x) == 2 for x in answer):
        return "[" + ", ".join(f"({i}, {j})" for i, j in answer) + "]"
    if isinstance(answer, list):
        return "; ".join(format_answer(a) for a in answer)
    return f"`{answer}`" if isinstance(answer, str) and not answer.isalpha() else str(answer)


def render_markdown(report: Report) -> str:
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in report.request.strip().splitlines())
    if report.reply:
        return "\n".join(["# ECH0", "", quoted, "", report.reply, "", f"*run `{report.run_id}`*"])
    lines = ["# ECH0 research report", "", quoted, ""]
    if report.answer is not None:
        lines += [f"**Answer:** {format_answer(report.answer)}", ""]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        for block in section.paragraphs:
            lines += [block, ""]
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    if report.citations:
        lines += ["## Sources", ""]
        for number, c in enumerate(report.citations, 1):
            lines.append(f"{number}. **{c.kind}** {citation_label(c)}")
        lines.append("")
    lines.append(f"*run `{report.run_id}`*")
    return "\n".join(lines)
