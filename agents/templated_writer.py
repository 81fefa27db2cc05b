"""The templated synthesizer: tool results → a report in which every claim cites what it rests on.

It states only what a tool returned: record fields, computed values, and sentences quoted from
retrieved passages above the relevance threshold. Nothing is paraphrased, so nothing can drift.
"""

from __future__ import annotations

import re
from typing import Any

from agents.report import Citation, Claim, Report, Section


class _Builder:
    def __init__(self, run_id: str, request: str) -> None:
        self.report = Report(run_id=run_id, request=request, claims=[], citations=[], sections=[])
        self.asks_targets = bool(re.search(r"\btargets?\b|\bmechanism\b|\bbinds?\b", request, re.IGNORECASE))

    def cite(self, kind: str, id_: str, title: str, **detail: Any) -> str:
        if all(c.id != id_ for c in self.report.citations):
            self.report.citations.append(Citation(kind=kind, id=id_, title=title, detail=detail))
        return id_

    def claim(self, section: Section, text: str, citations: list[str]) -> str:
        """Record a claim and return its markdown with reference numbers."""
        self.report.claims.append(Claim(text=text, citations=citations, section=section.heading))
        return f"{text} {self.report.refs(citations)}"

    def section(self, heading: str) -> Section:
        for existing in self.report.sections:
            if existing.heading == heading:
                return existing
        section = Section(heading=heading)
        self.report.sections.append(section)
        return section


def _join(items: list[str], limit: int | None = 6) -> str:
    shown = items if limit is None else items[:limit]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _compound_section(b: _Builder, data: dict[str, Any]) -> None:
    record = data["record"]
    label = data["label"]
    subject = label[:1].upper() + label[1:]  # a name (never a SMILES) opens these sentences
    section = b.section(f"Compound: {label}")
    ref = b.cite("compound", data["key"], data["title"])
    ids = [f"{record['source']} {record['source_id']}"]
    ids += [f"DrugBank {record['drugbank_id']}"] if record.get("drugbank_id") else []
    ids += [f"CAS {record['cas']}"] if record.get("cas") else []
    if record.get("approved_by"):
        text = f"{subject} is an approved drug ({', '.join(record['approved_by'])}); identifiers: {'; '.join(ids)}."
        section.paragraphs.append(b.claim(section, text, [ref]))
    if record.get("np_class"):
        lineage = " › ".join(
            x for x in (record.get("np_pathway"), record.get("np_superclass"), record["np_class"]) if x
        )
        section.paragraphs.append(b.claim(section, f"{subject} is classified by NPClassifier as {lineage}.", [ref]))
    if record.get("targets"):
        # a question about targets gets all of them; otherwise the first few stand for the list
        limit = None if b.asks_targets else 6
        text = f"Known targets of {label}: {_join(record['targets'], limit)}."
        section.paragraphs.append(b.claim(section, text, [ref]))
    section.paragraphs.append(b.claim(section, f"Structure of {label}: `{record['smiles']}`.", [ref]))


def _property_section(b: _Builder, data: dict[str, Any]) -> None:
    compound = data["compound"]
    label = compound["label"]
    heading = f"Compound: {label}" if compound.get("record_key") else f"Structure: {label}"
    section = b.section(heading)
    outputs = data["outputs"]
    exp = b.cite("experiment", data["experiment_id"], data["title"])
    rows = ["| Property | Value | Source |", "|---|---|---|"]
    for name, value in outputs["properties"].items():
        unit = data["units"].get(name, "")
        name_label = data["labels"].get(name, name)
        b.claim(section, f"{name_label} of {label}: {value}{' ' + unit if unit else ''}.", [exp])
        rows.append(f"| {name_label}{f' ({unit})' if unit else ''} | {value} | {b.report.refs([exp])} |")
    rows.append(f"| Formula | {outputs['formula']} | {b.report.refs([exp])} |")
    b.claim(section, f"Molecular formula of {label}: {outputs['formula']}.", [exp])
    section.paragraphs.append(
        f"Computed with RDKit from `{outputs['canonical_smiles']}` (InChIKey {outputs['inchikey']}):\n\n"
        + "\n".join(rows)
    )


def _literature_section(b: _Builder, data: dict[str, Any]) -> None:
    section = b.section("Literature")
    query = data["query"]
    if not data["passages"]:
        best = data.get("best_score")
        closest = f"; the closest passage scored {best:.2f}" if best is not None else ""
        message = (
            f"No relevant literature was found for “{query}”: no passage in the index reached the relevance "
            f"threshold of {data['threshold']:.2f}{closest}. No literature is cited."
        )
        section.paragraphs.append(message)
        b.report.notes.append(message)
        return
    section.paragraphs.append(f"Passages relevant to “{query}”, in ranking order:")
    items = []
    for passage in data["passages"]:
        ref = b.cite(
            "document",
            passage["doc_key"],
            passage["title"],
            sentences=[e["span"] for e in passage["evidence"]],
            score=passage["score"],
            year=passage.get("year"),
            journal=passage.get("journal"),
            authors=passage.get("authors", [])[:3],
            doi=passage.get("doi"),
        )
        quote = " ".join(e["text"] for e in passage["evidence"]) or passage["text"]
        claim = b.claim(section, f"“{quote}”", [ref])
        items.append(f"- **{passage['title']}** — {claim} *(relevance {passage['score']:.2f})*")
    section.paragraphs.append("\n".join(items))


def _structure_section(b: _Builder, data: dict[str, Any]) -> None:
    compound = data["compound"]
    heading = f"Compound: {compound['label']}" if compound.get("record_key") else f"Structure: {compound['label']}"
    section = b.section(heading)
    exp = b.cite("experiment", data["experiment_id"], data["title"])
    section.paragraphs.append(b.claim(section, f"{data['statement']}.", [exp]))


_DATA_HEADINGS = {
    "predict_reaction": "Reaction product",
    "sar_predict": "SAR series prediction",
    "elucidate_structure": "Structure from formula and shifts",
}


def _statement_section(heading: str):
    """Tools that answer with one checked statement about an experiment (reactions, SAR, spectra)."""

    def render(b: _Builder, data: dict[str, Any]) -> None:
        section = b.section(heading)
        exp = b.cite("experiment", data["experiment_id"], data["title"])
        section.paragraphs.append(b.claim(section, data["statement"].rstrip(".") + ".", [exp]))

    return render


def _heading(compound: dict[str, Any]) -> str:
    return f"Compound: {compound['label']}" if compound.get("record_key") else f"Structure: {compound['label']}"


def _admet_section(b: _Builder, data: dict[str, Any]) -> None:
    section = b.section(_heading(data["compound"]))
    for trained in data.get("trained", []):
        section.paragraphs.append(
            f"Trained the {trained['endpoint']} model {trained['model']} on {trained['n']} measured compounds "
            f"(scaffold split): {', '.join(f'{k} {v:.3f}' for k, v in trained['metrics'].items() if v is not None)}."
        )
    rows = ["| Endpoint | Prediction | Uncertainty | In domain | Model |", "|---|---|---|---|---|"]
    for p in data["predictions"]:
        ref = b.cite("model", p["model"], f"{p['model']}: {p['endpoint_label']} model")
        if p["task"] == "regression":
            value = f"{p['prediction']}{' ' + p['unit'] if p['unit'] else ''}"
            spread = f"interval [{p['lower']:.2f}, {p['upper']:.2f}]" if p["lower"] is not None else f"± {p['std']:.2f}"
        else:
            value = f"{p['class']} (p = {p['prediction']})"
            spread = f"ensemble std {p['std']:.2f}" if p["std"] is not None else "—"
        domain = "yes" if p["in_domain"] else f"no (nearest training compound {p['similarity']:.2f})"
        b.claim(section, f"Predicted {p['endpoint_label']} of {p['label']}: {value}; {spread}.", [ref])
        if p.get("measured") is not None:
            data_ref = b.cite("dataset", p["measured_source"], p["measured_source"])
            verdict = "contradicts" if p["contradicted"] else "agrees with"
            text = f"The measured {p['endpoint_label']} of {p['label']}, {p['measured']}, {verdict} the prediction."
            claim = b.claim(section, text, [data_ref, ref])
            if p["contradicted"]:
                b.section("Contradictions").paragraphs.append(claim)
            else:
                section.paragraphs.append(claim)
        rows.append(f"| {p['endpoint_label']} | {value} | {spread} | {domain} | {b.report.refs([ref])} |")
    section.paragraphs.append("Predicted with ECH0's property models:\n\n" + "\n".join(rows))


def _train_section(b: _Builder, data: dict[str, Any]) -> None:
    section = b.section("Models")
    ref = b.cite("model", data["model"], f"{data['model']}: {data['endpoint']} model")
    metrics = ", ".join(f"{k} {v:.3f}" for k, v in data["metrics"].items() if v is not None)
    base = ", ".join(f"{k} {v:.3f}" for k, v in data["baseline"].items() if v is not None)
    text = f"Trained {data['model']} on {data['n']} compounds (scaffold split): {metrics}; Morgan RF baseline {base}."
    section.paragraphs.append(b.claim(section, text, [ref]))


def _toxicity_section(b: _Builder, data: dict[str, Any]) -> None:
    compound = data["compound"]
    section = b.section(_heading(compound))
    exp = b.cite("experiment", data["experiment_id"], data["title"])
    out = data["outputs"]
    if not out["alerts"]:
        text = f"No structural alerts ({', '.join(out['catalogs'])}) match {compound['label']}."
    else:
        names = _join([f"{a['alert']} ({a['catalog']})" for a in out["alerts"]], limit=8)
        text = f"{compound['label']} matches {out['n_alerts']} structural alerts: {names}."
    section.paragraphs.append(b.claim(section, text, [exp]))


def _hit_detail(hit: dict[str, Any]) -> str:
    """A neighbour's targets (drugs) or natural-product classes, as the compound record gives them."""
    if hit.get("targets"):
        return f"; targets: {_join(hit['targets'], 3)}"
    classes = [hit.get(k) for k in ("np_class", "np_superclass", "np_pathway") if hit.get(k)]
    return f"; class: {' / '.join(classes)}" if classes else ""


def _similarity_section(b: _Builder, data: dict[str, Any]) -> None:
    compound = data["compound"]
    section = b.section(f"Similar to {compound['label']}")
    if not data["hits"]:
        section.paragraphs.append(f"No similar compounds were found in {data['library']}.")
        return
    items = []
    for hit in data["hits"]:
        ref = b.cite("compound", hit["key"], hit["title"])
        claim = b.claim(section, f"{hit['label']}: Tanimoto {hit['similarity']}", [ref])
        items.append(f"- {claim} — `{hit['smiles']}`{_hit_detail(hit)}")
    section.paragraphs.append(f"Nearest compounds ({data['method']}):\n\n" + "\n".join(items))


def _np_section(b: _Builder, data: dict[str, Any]) -> None:
    compound = data["compound"]
    section = b.section(_heading(compound))
    likeness = b.cite("experiment", data["likeness_experiment_id"], data["likeness_title"])
    section.paragraphs.append(
        b.claim(section, f"NP-likeness of {compound['label']}: {data['np_likeness']}.", [likeness])
    )
    exp = b.cite("experiment", data["experiment_id"], data["title"])
    levels = [f"{level} {c['value']} (confidence {c['confidence']})"
              for level, c in data["classes"].items() if c["value"]]  # fmt: skip
    if levels:
        text = f"NPClassifier classes of {compound['label']}: {'; '.join(levels)}, by {data['method']}."
        section.paragraphs.append(b.claim(section, text, [exp]))
    if not data["in_domain"]:
        section.paragraphs.append(
            f"The nearest NPClassifier compound has Tanimoto {data['max_similarity']}: the classes are a guess."
        )


_RENDERERS = {
    "predict_admet": _admet_section,
    "train_admet_model": _train_section,
    "toxicity_alerts": _toxicity_section,
    "similarity_search": _similarity_section,
    "classify_natural_product": _np_section,
    "structure_question": _structure_section,
    "compound_lookup": _compound_section,
    "compute_properties": _property_section,
    "literature_search": _literature_section,
    **{tool: _statement_section(heading) for tool, heading in _DATA_HEADINGS.items()},
}


def synthesize_report(run_id: str, request: str, results: list[dict[str, Any]]) -> Report:
    """Build the report from step results (dicts with step_id, tool, args, ok, data, error), in plan order."""
    b = _Builder(run_id, request)
    for result in sorted(results, key=lambda r: int(r["step_id"].lstrip("s") or 0)):
        if not result["ok"]:
            b.report.notes.append(
                f"Step {result['step_id']} ({result['tool']} {result['args']}) failed: {result['error']}"
            )
            continue
        renderer = _RENDERERS.get(result["tool"])
        if renderer:
            renderer(b, result["data"])
    if not results:
        b.report.notes.append(
            "Nothing in the request matched a tool: name a compound, give a SMILES or ask a question."
        )
    return b.report
