"""The run page's drug-likeness charts (inline SVG against the Lipinski and Veber limits) and the dashboard's
plot layout."""

from __future__ import annotations

import re

from server.dashboard import property_chart
from tests.server.conftest import bearer

ATORVASTATIN = {"molecular_weight": 558.65, "logp": 6.31, "tpsa": 111.79, "hbd": 4, "hba": 4, "rotatable_bonds": 12,
                "qed": 0.163, "lipinski_violations": 2}  # fmt: skip


def _rows(svg: str) -> dict[str, tuple[str, str, str]]:
    """property → (within|outside, value, limit) of each bar."""
    found = re.findall(r'<g class="row (\w+)" data-property="(\w+)" data-value="([^"]+)" data-limit="([^"]+)">', svg)
    return {prop: (state, value, limit) for state, prop, value, limit in found}


def test_bars_against_the_limits_mark_what_is_outside():
    svg = property_chart.svg("atorvastatin", ATORVASTATIN)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="property-chart" role="img"')
    assert _rows(svg) == {
        "molecular_weight": ("outside", "558.65", "500"),
        "logp": ("outside", "6.31", "5"),
        "hbd": ("within", "4", "5"),
        "hba": ("within", "4", "10"),
        "tpsa": ("within", "111.79", "140"),
        "rotatable_bonds": ("outside", "12", "10"),
    }
    assert svg.count('class="bar"') == 6 and svg.count("✗ over") == 3 and svg.count('class="limit"') == 1
    assert "Lipinski limits exceeded: 2, Veber limits exceeded: 1" in svg  # the accessible name says it too
    assert property_chart.violations(property_chart.bars(ATORVASTATIN)) == {"Lipinski": 2, "Veber": 1}


def test_negative_values_subsets_and_hostile_names():
    svg = property_chart.svg("<script>x</script>", {"logp": -1.03, "hbd": 0, "qed": 0.2})
    assert _rows(svg) == {"logp": ("within", "-1.03", "5"), "hbd": ("within", "0", "5")}
    assert 'class="zero"' in svg and "<script>" not in svg and "&lt;script&gt;" in svg
    assert property_chart.svg("nothing to chart", {"qed": 0.5, "rings": 2}) is None


def test_huge_values_are_cut_at_three_times_the_limit():
    svg = property_chart.svg("a peptide", {"molecular_weight": 1855.1, "hbd": 5})  # 3.7 times the limit
    assert 'class="clipped"' in svg and _rows(svg)["molecular_weight"][0] == "outside"
    widths = [float(w) for w in re.findall(r'<rect class="bar" x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]
    assert max(widths) <= property_chart.BAR_W


def test_the_run_page_shows_each_compound_chart(client, tokens, runtime):
    result = runtime.research.ask("Compute the drug-likeness properties of atorvastatin and metformin")
    page = client.get(f"/dashboard/runs/{result['run_id']}", headers=bearer(tokens["read"]))
    assert page.status_code == 200 and '<section id="druglikeness">' in page.text
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="property-chart".*?</svg>', page.text)
    assert len(charts) == 2
    atorvastatin, metformin = charts
    assert {p for p, row in _rows(atorvastatin).items() if row[0] == "outside"} == {
        "molecular_weight", "logp", "rotatable_bonds",
    }  # fmt: skip
    assert "outside" not in {row[0] for row in _rows(metformin).values()}
    assert "Lipinski: 2 limits exceeded · Veber: 1 limit exceeded" in page.text
    assert "/dashboard/compounds/drugcentral%3A257" in page.text
    no_chart = runtime.research.ask("How many rings are in c1ccc2ccccc2c1?")
    other = client.get(f"/dashboard/runs/{no_chart['run_id']}", headers=bearer(tokens["read"]))
    assert other.status_code == 200 and "druglikeness" not in other.text


def test_plots_keep_their_aspect_and_the_evals_title_is_text(client, tokens):
    css = client.get("/dashboard/static/dashboard.css").text
    plots = re.search(r"\.plots img \{([^}]*)\}", css).group(1)
    assert "height: auto" in plots and "max-width: 100%" in plots
    assert "align-items: flex-start" in re.search(r"\.plots \{([^}]*)\}", css).group(1)  # no stretch in a row
    page = client.get("/dashboard/evals", headers=bearer(tokens["read"]))
    title = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
    assert title == "Evals · ECH0 dashboard"
