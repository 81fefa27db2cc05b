"""Plots without data say so in words: an eval's all-zero bar plot (problems.png when there are no problems) and
the data set check's plots of an empty or one-compound set."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest


@pytest.fixture
def drawn(monkeypatch):
    """file name → (texts in the axes, bars and histogram patches, whether the axis is shown) of each saved plot."""
    from matplotlib.figure import Figure

    seen: dict[str, tuple[list[str], int, bool]] = {}
    save = Figure.savefig

    def spy(fig, path, *args, **kwargs):
        ax = fig.axes[0]
        seen[str(path).rsplit("/", 1)[-1]] = ([t.get_text() for t in ax.texts], len(ax.patches), ax.axison)
        return save(fig, path, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return seen


def test_an_all_zero_bar_plot_says_none_found(tmp_path, drawn):
    from evals.harness.base import Plot
    from evals.harness.report import draw

    title = "Examples with problems, by kind"
    assert draw(Plot(kind="bar", title=title, file="problems.png", x=["smiles", "facts"], y=[0.0, 0.0]), tmp_path)
    assert drawn["problems.png"] == (["none found: every count is 0"], 0, False)
    draw(Plot(kind="bar", title=title, file="some.png", x=["smiles", "facts"], y=[0.0, 3.0]), tmp_path)
    assert drawn["some.png"] == ([], 2, True)
    assert (tmp_path / "problems.png").read_bytes()[:4] == b"\x89PNG"


def test_the_data_set_plots_of_too_little_data_say_why(tmp_path, drawn):
    from finetune.quality.report import _plots

    one = [{"chars": 120, "template_id": "t1", "task": "properties"}]
    paths = _plots(one, Counter({"t1": 1}), Counter({"properties": 1}), np.array([]), tmp_path)
    assert [p.name for p in paths] == ["lengths.png", "templates.png", "tasks.png", "tanimoto.png"]
    assert drawn["tanimoto.png"] == (["fewer than two compounds: no pairs to compare"], 0, False)
    assert drawn["templates.png"][2] and drawn["tasks.png"] == ([], 1, True)
    _plots([], Counter(), Counter(), np.array([]), tmp_path / "empty")
    assert all(drawn[name][0] == ["no examples"] for name in ("lengths.png", "templates.png", "tasks.png"))
