"""README.md runs as written: every command line of its ```bash blocks (and finetune/README.md's) runs here.

Lines are read by tests/readme_commands.py as the README's convention says (alternatives, optional groups, the
environment; every alternative and every option runs at least once). Placeholders (CAPITALS, `…`, example file
names) are filled from FILLS; sizes that would take minutes are cut by OVERRIDES; commands that cannot run in a
test are listed in NOT_RUN with the reason. A README command with a placeholder that has no fill, or with a program
the test cannot run, fails, and so do table entries no README line uses any more: a new README line is covered.

Each command runs in-process (`server.cli.main`; a `python -m` benchmark through its typer app) in a scratch working
directory, against a copy of the session's mini literature index (`ECH0_KNOWLEDGE__CORPUS_PATH` is the mini corpus,
so `ech0 index build` builds that), in README order, with what earlier lines made. Nothing reaches the network: the
HTTP client answers from the recorded PubChem, ChEMBL, PubMed and arXiv responses of tests/knowledge, so a line run
with `ECH0_DATA__MODE=replay` replays them and a line in the default `offline` mode gets the HTTP cache only, as a
user's would. A non-zero exit or a traceback fails the command's test.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import MINI_CORPUS
from tests.readme_commands import (
    PROGRAMS,
    bash_lines,
    commands_of,
    matches,
    parse_line,
    program_words,
    starts_a_command,
    strip_comment,
)
from tests.readme_scratch import ROOT, Scratch, replayed_http_client

DOCS = (ROOT / "README.md", ROOT / "finetune" / "README.md")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.[a-z]+)?$|…")
LITERAL_CAPITALS = {"CCO": "a SMILES", "CT_TOX": "a column of clintox.csv"}  # look like placeholders, are not

README_COMMANDS = [
    (path.name, line, i, argv) for path in DOCS for line in bash_lines(path) for i, argv in commands_of(line)
]

# --- what the test does not run, and why -----------------------------------------------------------------------

NOT_RUN = {
    "make run": "sets up .venv and embeds the 5,183 SciFact abstracts (minutes); it is what CI's set-up runs",
    "make test": "runs the whole test suite, this test included",
    "ech0 serve": "a server that runs until stopped; tests/server/test_api_serve.py serves the same app",
    "ech0 loop daemon": "a scheduler that runs until stopped; tests/agents/test_loops.py drives its iterations",
    "ech0 llm check": "asks a live OpenAI-compatible endpoint; tests/agents/test_llm_backends.py covers the client",
    "ech0 data push": "uploads to the Hugging Face Hub with the user's token",
    "ech0 finetune sft": "LoRA training of SmolLM2-135M, minutes on CPU; tests/finetune/test_sft.py trains one",
    "ech0 finetune distill": "a 72B teacher served by vLLM and a 14B student: GPU hosts",
    "ech0 finetune demo": "trains a teacher and two students: minutes on CPU",
    "ech0 eval planner --split": "plans 413 requests and answers ~300 (minutes); "
    "tests/evals/test_understanding_eval.py grades plans and answers of the set's own cases",
}

# --- placeholders --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    command: str  # the command it appears in (a prefix of its words)
    placeholder: str  # as the README writes it
    what: str
    value: Callable[[Scratch, list[str]], str]


def _suite_file(s: Scratch, argv: list[str]) -> str:
    return s.suite_file(program_words(argv)[3])


FILLS = [
    Fill("ech0 ask", "…", "a request", lambda s, a: "What is known about metformin?"),
    Fill("ech0 index build", "FILE", "five abstracts of the mini corpus", lambda s, a: s.corpus_slice(5)),
    Fill("ech0 eval retrieval", "Q.jsonl", "three of the mini queries", lambda s, a: s.queries(3)),
    Fill("ech0 eval retrieval", "QRELS.tsv", "their judgements", lambda s, a: s.data("mini_qrels.tsv")),
    Fill("ech0 eval retrieval", "C.jsonl", "the documents judged for those queries", lambda s, a: s.judged_corpus()),
    Fill("ech0 index add-file", "export.csv", "two abstracts with a pmid column", lambda s, a: s.export_csv()),
    Fill("ech0 models train", "data.csv", "60 ESOL rows as smiles,y", lambda s, a: s.data_csv()),
    Fill("ech0 models predict", "NAME", "a trained model", lambda s, a: s.model_name()),
    Fill("ech0 runs show", "RUN_ID", "a finished run", lambda s, a: s.finished_run()),
    Fill("ech0 runs show", "RUN", "a finished run", lambda s, a: s.finished_run()),
    Fill("ech0 runs resume", "RUN", "a finished run (nothing left to do)", lambda s, a: s.finished_run()),
    Fill("ech0 runs approve", "RUN", "a new run awaiting approval", lambda s, a: s.waiting_run()),
    Fill("ech0 runs reject", "RUN", "a new run awaiting approval", lambda s, a: s.waiting_run()),
    Fill("ech0 runs reject", "WHY", "a reason", lambda s, a: "not needed for this question"),
    Fill("ech0 ask --batch", "requests.jsonl", "two requests", lambda s, a: s.requests_jsonl()),
    Fill("ech0 loop add", "…", "a standing question or a PubMed query", lambda s, a: "temozolomide resistance"),
    Fill("ech0 loop add", "new.jsonl", "ten abstracts of the mini corpus", lambda s, a: s.corpus_slice(10)),
    Fill("ech0 loop add", "URL", "a loopback address (no iteration runs for it)", lambda s, a: "http://127.0.0.1:9/"),
    Fill("ech0 loop", "NAME", "the loop the README adds", lambda s, a: s.loop_name()),
    Fill("ech0 feedback", "RUN", "a finished run", lambda s, a: s.finished_run()),
    Fill("ech0 feedback", "…", "a correction", lambda s, a: "naphthalene has 2 rings"),
    Fill("ech0 feedback", "DIR", "a new folder", lambda s, a: s.new_dir("feedback")),
    Fill("ech0 eval planner", "FILE", "two compound requests of the planner dev set", lambda s, a: s.planner_dev()),
    Fill("ech0 compounds import", "coconut.csv", "a small file in the --format given", lambda s, a: s.compound_file(a)),
    Fill("ech0 lab lineage", "EXP_ID", "an experiment", lambda s, a: s.experiment()),
    Fill("ech0 lab export", "RUN_ID", "a workflow run", lambda s, a: s.workflow_run()),
    Fill("ech0 data check", "ds/", "a generated data set", lambda s, a: s.dataset()),
    Fill("ech0 finetune serve-config", "…", "a config for a tiny model with its LoRA adapter", lambda s, a: s.tiny()),
    Fill("ech0 keys revoke", "NAME", "a new key's name", lambda s, a: s.new_key()["name"]),
    Fill("ech0 keys revoke", "PREFIX", "a new key's prefix", lambda s, a: s.new_key()["prefix"]),
    Fill("ech0 eval run", "F", "a small file of the suite's format", _suite_file),
    Fill("ech0 eval run", "DIR", "a new folder", lambda s, a: s.new_dir("eval-out")),
    # Two runs would differ in their latency figures, which --fail-on-regression may count as a regression.
    Fill("ech0 eval compare", "RUN_A", "a chemqa eval run", lambda s, a: s.eval_run()),
    Fill("ech0 eval compare", "RUN_B", "the same run", lambda s, a: s.eval_run()),
    Fill("ech0 eval relevance", "QUERIES.jsonl", "three of the mini queries", lambda s, a: s.queries(3)),
    Fill("ech0 eval relevance", "QRELS.tsv", "their judgements", lambda s, a: s.data("mini_qrels.tsv")),
]

# --- sizes cut for the test --------------------------------------------------------------------------------------


def option(name: str, value: str) -> Callable[[Scratch, list[str], int], list[str]]:
    """Set an option's value, adding the option when the line does not give it."""

    def apply(s: Scratch, argv: list[str], i: int) -> list[str]:
        if name in argv:
            at = argv.index(name) + 1
            return [*argv[:at], value, *argv[at + 1 :]]
        return [*argv, name, value]

    return apply


def rename(position: int) -> Callable[[Scratch, list[str], int], list[str]]:
    """Give variant i > 0 its own name (word `position` of the command), since names are unique."""

    def apply(s: Scratch, argv: list[str], i: int) -> list[str]:
        words = program_words(argv)
        if i == 0:
            return argv
        return [*argv[: len(argv) - len(words)], *words[:position], f"{words[position]}-{i}", *words[position + 1 :]]

    return apply


def index_build_apart(s: Scratch, argv: list[str], i: int) -> list[str]:
    return [f"ECH0_DATA_DIR={s.work / 'rebuilt'}", *argv] if "--rebuild" in argv else argv


def train_small(s: Scratch, argv: list[str], i: int) -> list[str]:
    argv = option("--seeds", "1")(s, argv, i)
    at = argv.index("--csv") + 1
    if not (ROOT / argv[at]).is_file():  # a placeholder: its fill is small already
        return argv
    return [*argv[:at], s.training_slice(str(ROOT / argv[at]), argv), *argv[at + 1 :]]


@dataclass(frozen=True)
class Override:
    command: str
    why: str
    apply: Callable[[Scratch, list[str], int], list[str]]


OVERRIDES = [
    Override(
        "ech0 index build",
        "--rebuild embeds the corpus anew: it builds FILE in a data directory of its own, the mini index stays",
        index_build_apart,
    ),
    Override("ech0 bench featurize", "2,000 molecules × the full 2D descriptor set, twice: ~30 s", option("--n", "40")),
    Override(
        "ech0 bench similarity",
        "fingerprints of 5k molecules twice, 200 queries",
        lambda s, a, i: [*option("--queries", "10")(s, a, i), "--csv", s.np_library(500)],
    ),
    Override("ech0 models train", "three seeds on the full data: minutes; one seed on 60 rows", train_small),
    Override("ech0 data generate", "1,000 compounds: a minute", option("--compounds", "12")),
    Override("ech0 eval run", "the dev suites take minutes (retrieval indexes its corpus)", option("--file", "F")),
    Override("ech0 loop add", "loop names are unique: each variant adds its own loop", rename(3)),
    Override("ech0 keys create", "key names are unique: each variant creates its own key", rename(3)),
    Override("python -m evals.bench.ingest", "500 abstracts embedded twice: minutes", option("--docs", "4")),
    Override(
        "python -m evals.bench.search",
        "100k synthetic points and fresh processes for peak RSS: minutes",
        lambda s, a, i: [
            *a[:3],
            *shlex.split("--sizes 200 --seed-chunks 20 --queries 4 --baseline-queries 2 --no-memory"),
        ],
    ),
]


def prepare(s: Scratch, argv: list[str], variant: int) -> tuple[dict[str, str], list[str], list[str]]:
    """(environment, argv, notes): overrides applied, placeholders filled, repository paths made absolute."""
    notes = []
    for override in OVERRIDES:
        if matches(argv, override.command):
            argv = override.apply(s, argv, variant)
            notes.append(f"cut: {override.why}")
    words = program_words(argv)
    env = dict(w.split("=", 1) for w in argv[: len(argv) - len(words)])
    ready = []
    for word in words:
        fills = [f for f in FILLS if f.placeholder == word and matches(words, f.command)]
        if fills:
            fill = max(fills, key=lambda f: len(f.command))
            ready.append(fill.value(s, words))
            notes.append(f"{word} = {fill.what}")
            continue
        assert word in LITERAL_CAPITALS or not PLACEHOLDER.search(word), (
            f"no fill for {word!r} in `{shlex.join(words)}`: add it to FILLS"
        )
        ready.append(str(ROOT / word) if "/" in word and (ROOT / word).exists() else word)
    return env, ready, notes


@pytest.fixture(scope="module")
def scratch(built_data_dir, tmp_path_factory):
    import os

    import server.wiring as wiring

    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(built_data_dir, root / "data")
    (root / "work").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("ECH0_")]:
            mp.delenv(name)  # the README's commands run on the defaults, as a user's would
        mp.setenv("ECH0_DATA_DIR", str(root / "data"))
        mp.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
        mp.setattr(wiring, "make_http_client", replayed_http_client)
        mp.chdir(root / "work")
        yield Scratch(root / "work")


# --- the tests ---------------------------------------------------------------------------------------------------

RUNNABLE = [c for c in README_COMMANDS if not any(matches(c[3], p) for p in NOT_RUN)]


@pytest.mark.parametrize(
    ("doc", "line", "variant", "argv"),
    RUNNABLE,
    ids=[f"{n:03d} {shlex.join(c[3])[:70]}" for n, c in enumerate(RUNNABLE)],
)
def test_readme_command_runs(scratch, doc, line, variant, argv):
    env, ready, notes = prepare(scratch, argv, variant)
    outcome = scratch.cli(ready, env)
    shown = (
        f"{doc}: `{line}` ran as `{shlex.join([*(f'{k}={v}' for k, v in env.items()), *ready])}` ({'; '.join(notes)})"
    )
    assert "Traceback" not in outcome.out + outcome.err, f"{shown} and printed a traceback:\n{outcome.err[-3000:]}"
    assert outcome.code == 0, f"{shown} and exited {outcome.code}:\n{outcome.err[-3000:]}"


def test_the_readme_has_commands_and_every_one_is_run_or_listed():
    assert len(README_COMMANDS) > 60 and len(RUNNABLE) > 50
    for _, line, _, argv in RUNNABLE:
        program = program_words(argv)[0]
        assert program in PROGRAMS, f"`{line}`: the test cannot run {program!r}: list the command in NOT_RUN, or run it"


def test_no_line_reads_as_a_pipe():
    for path in DOCS:
        for line in bash_lines(path):
            later = parse_line(line)[1:]
            assert not any(starts_a_command(seq) for seq in later), (
                f"{path.name}: `{line}` reads as a shell pipe: put each command on its own line, or write "
                "`ech0 group a | b` for alternatives"
            )


def test_every_placeholder_has_a_fill():
    missing = {
        (word, shlex.join(program_words(argv)))
        for *_, argv in RUNNABLE
        for word in program_words(argv)
        if PLACEHOLDER.search(word)
        and word not in LITERAL_CAPITALS
        and not any(f.placeholder == word and matches(argv, f.command) for f in FILLS)
    }
    assert not missing, f"README placeholders without a fill in FILLS: {sorted(missing)}"


def test_every_table_entry_is_still_used():
    commands = [argv for *_, argv in README_COMMANDS]
    stale = [p for p in NOT_RUN if not any(matches(a, p) for a in commands)]
    stale += [o.command for o in OVERRIDES if not any(matches(a, o.command) for a in commands)]
    stale += [
        f"{f.command}: {f.placeholder}"
        for f in FILLS
        if not any(matches(a, f.command) and f.placeholder in a for a in commands)
    ]
    assert not stale, f"entries for commands the README no longer has: {stale}"


def test_reading_the_documentation_forms():
    assert commands_of("ech0 runs list | show RUN | reject RUN [--comment WHY]") == [
        (0, ["ech0", "runs", "list"]),
        (0, ["ech0", "runs", "show", "RUN"]),
        (0, ["ech0", "runs", "reject", "RUN"]),
        (1, ["ech0", "runs", "reject", "RUN", "--comment", "WHY"]),
    ]
    assert [a for _, a in commands_of('ech0 s "q" [--mode a|b|c] [--x "…" | --y F]')] == [
        ["ech0", "s", "q"],
        ["ech0", "s", "q", "--mode", "a", "--x", "…"],
        ["ech0", "s", "q", "--mode", "b", "--y", "F"],
        ["ech0", "s", "q", "--mode", "c", "--x", "…"],
    ]
    assert [a for _, a in commands_of('X=1 ech0 r a | "C D" | e')] == [
        ["X=1", "ech0", "r", "a"],
        ["X=1", "ech0", "r", "C D"],
        ["X=1", "ech0", "r", "e"],
    ]
    line = 'ech0 lab run x --params \'{"a": "#1"}\''
    assert strip_comment(f"{line}  # why").rstrip() == line
