"""The scratch session of tests/test_readme.py: commands in-process, and what the README's placeholders stand for.

`Scratch` runs `ech0 …` (and `python -m evals.bench.…`) in-process with captured output and makes, once and on
demand, the files, runs, models, keys and loops a placeholder names. `replayed_http_client` stands in for the
product's HTTP client with the recorded PubChem, ChEMBL, PubMed and arXiv answers of tests/knowledge.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import itertools
import json
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.wiring import make_http_client as PRODUCT_HTTP_CLIENT  # taken before the test puts ours in its place
from tests.conftest import MINI_CORPUS

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def invoke(argv: list[str]) -> Outcome:
    """A command in-process, its output captured; exceptions other than the CLI's own propagate (a traceback)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _call(argv)
    return Outcome(code, out.getvalue(), err.getvalue())


def _call(argv: list[str]) -> int:
    import click
    import typer

    from server.cli import main

    program, *args = argv
    if program == "ech0":
        return main(args)
    assert program == "python" and args[0] == "-m", f"no in-process runner for {argv}: list it in NOT_RUN"
    command = typer.main.get_command(importlib.import_module(args[1]).app)
    try:
        result = command.main(args[2:], prog_name=args[1], standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


class Scratch:
    """Runs commands in a working directory against the copied data directory; makes what placeholders stand for."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.made: dict[str, object] = {}
        self.counter = itertools.count(1)

    def cli(self, argv: list[str], env: dict[str, str] | None = None) -> Outcome:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in (env or {}).items():
                mp.setenv(name, value)
            return invoke(argv)

    def ok(self, *args: str) -> str:
        """A set-up command that must succeed; its stdout."""
        outcome = self.cli(["ech0", *args])
        assert outcome.code == 0, f"set-up `ech0 {shlex.join(args)}` failed: {outcome.err}"
        return outcome.out

    def once(self, key: str, make: Callable[[], object]):
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def write(self, name: str, text: str) -> str:
        path = self.work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def np_library(self, n: int) -> str:
        from knowledge.data import NPCLASSIFIER_5K

        lines = NPCLASSIFIER_5K.read_text(encoding="utf-8").splitlines()[: n + 1]
        return self.once(f"np-{n}", lambda: self.write(f"np-{n}.csv", "\n".join(lines) + "\n"))

    @staticmethod
    def data(name: str) -> str:
        return str(ROOT / "tests" / "data" / name)

    def corpus_slice(self, n: int) -> str:
        lines = MINI_CORPUS.read_text(encoding="utf-8").splitlines()[:n]
        return self.once(f"corpus-{n}", lambda: self.write(f"corpus-{n}.jsonl", "\n".join(lines) + "\n"))

    def judged_corpus(self) -> str:
        """The documents judged for the first three mini queries (those `queries(3)` holds)."""

        def make() -> str:
            asked = {json.loads(q)["_id"] for q in Path(self.queries(3)).read_text(encoding="utf-8").splitlines()}
            qrels = Path(self.data("mini_qrels.tsv")).read_text(encoding="utf-8").splitlines()
            judged = {row.split("\t")[1] for row in qrels if row.split("\t")[0] in asked}
            rows = [r for r in MINI_CORPUS.read_text().splitlines() if str(json.loads(r)["doc_id"]) in judged]
            return self.write("judged.jsonl", "\n".join(rows) + "\n")

        return self.once("judged", make)

    def export_csv(self) -> str:
        text = (
            "pmid,title,abstract\n"
            "41000001,Metformin and hepatic glucose output,Metformin lowered hepatic glucose output in mice.\n"
            "41000002,Aspirin and platelets,Low-dose aspirin inhibits platelet aggregation.\n"
        )
        return self.write("export.csv", text)

    def data_csv(self) -> str:
        text = Path(self.data("models/delaney_200.csv")).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))[:60]
        return self.once(
            "data.csv",
            lambda: self.write("data.csv", "smiles,y\n" + "".join(f"{r['smiles']},{r['logp']}\n" for r in rows)),
        )

    def training_slice(self, path: str, argv: list[str]) -> str:
        """60 rows of a shipped set (30 per class for a classification target)."""
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        target = argv[argv.index("--target") + 1]
        if "classification" in argv:
            values = sorted({r[target] for r in rows})
            rows = [r for value in values for r in [x for x in rows if x[target] == value][:30]]
        else:
            rows = rows[:60]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return self.write(f"slice-{Path(path).name}", out.getvalue())

    def model_name(self) -> str:
        def make() -> str:
            models = json.loads(self.ok("models", "list", "--json"))
            if not models:
                self.ok(
                    "models",
                    "train",
                    "--csv",
                    self.data_csv(),
                    "--target",
                    "y",
                    "--task",
                    "regression",
                    "--seeds",
                    "1",
                    "--name",
                    "readme-y",
                )
                return "readme-y"
            return models[0]["name"]

        return self.once("model", make)

    def finished_run(self) -> str:
        return self.once(
            "run", lambda: json.loads(self.ok("ask", "How many rings are in c1ccc2ccccc2c1?", "--json"))["run_id"]
        )

    def waiting_run(self) -> str:
        out = json.loads(self.ok("ask", "How many rings are in C1CCCCC1?", "--approval", "always", "--json"))
        assert out["status"] == "awaiting_approval", out
        return out["run_id"]

    def requests_jsonl(self) -> str:
        rows = [
            {"id": "a", "request": "How many carbon atoms are in CCO?"},
            {"id": "b", "request": "What is the molecular formula of caffeine?"},
        ]
        return self.write("requests.jsonl", "".join(json.dumps(r) + "\n" for r in rows))

    def loop_name(self) -> str:
        def make() -> str:
            if not any(loop["name"] == "gbm" for loop in json.loads(self.ok("loop", "list", "--json"))):
                self.ok("loop", "add", "gbm", "--every", "6h", "--program", "Temozolomide resistance in glioblastoma")
            return "gbm"

        return self.once("loop", make)

    def new_dir(self, prefix: str) -> str:
        return str(self.work / f"{prefix}-{next(self.counter)}")

    def planner_dev(self) -> str:
        lines = (ROOT / "evals/data/planner_dev.jsonl").read_text(encoding="utf-8").splitlines()
        cheap = [line for line in lines if json.loads(line)["intents"] == ["compound"]][:2]
        return self.write("planner-dev.jsonl", "\n".join(cheap) + "\n")

    def queries(self, n: int) -> str:
        lines = Path(self.data("mini_queries.jsonl")).read_text(encoding="utf-8").splitlines()[:n]
        return self.once(f"queries-{n}", lambda: self.write(f"queries-{n}.jsonl", "\n".join(lines) + "\n"))

    def tiny(self) -> str:
        def make() -> str:
            from tests.finetune.test_serve_config import _adapter
            from tests.finetune.test_sft import save_tiny_model, write_config

            model = save_tiny_model(self.work / "tiny-model")
            _adapter(self.work / "tiny-run" / "adapter", model)
            return str(write_config(self.work / "tiny.yaml", model, self.work / "tiny-run"))

        return self.once("tiny", make)

    def compound_file(self, argv: list[str]) -> str:
        from rdkit import Chem

        caffeine = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"
        files = {
            "coconut": ("coconut.csv", f"identifier,canonical_smiles,name\nCNP0000001,{caffeine},caffeine\n"),
            "zinc": ("zinc.csv", "smiles,zinc_id\nCC(=O)Nc1ccc(O)cc1,ZINC000000001234\n"),
            "drugbank-sdf": (
                "structures.sdf",
                Chem.MolToMolBlock(Chem.MolFromSmiles("CC(=O)Oc1ccccc1C(=O)O"))
                + "> <DRUGBANK_ID>\nDB00945\n\n> <GENERIC_NAME>\nAcetylsalicylic acid\n\n$$$$\n",
            ),
            "pdb-ccd": ("ligands.csv", f"comp_id,name,smiles\nCFF,caffeine,{caffeine}\n"),
            "csv": ("compounds.csv", "smiles,name\nCCO,ethanol\n"),
        }
        return self.write(*files[argv[argv.index("--format") + 1]])

    def experiment(self) -> str:
        params = '{"smiles": "C1CC1"}'
        return self.once(
            "exp",
            lambda: json.loads(self.ok("lab", "run", "chemistry.rings", "--params", params, "--json"))["experiment_id"],
        )

    def workflow_run(self) -> str:
        runs = json.loads(self.ok("lab", "runs", "--json"))
        if runs:
            return runs[0]["id"]
        outcome = self.cli(["ech0", "lab", "workflow", "run", "profile_compound", "--input", "smiles=CCO", "--json"])
        return json.loads(outcome.out)["run_id"]  # partial without the ADMET models: still a run to export

    def dataset(self) -> str:
        if not (self.work / "ds" / "train.jsonl").exists():
            self.ok("data", "generate", "--out", str(self.work / "ds"), "--compounds", "12", "--seed", "1")
        return "ds/"

    def new_key(self) -> dict:
        return json.loads(self.ok("keys", "create", f"readme-{next(self.counter)}", "--scope", "read", "--json"))

    def suite_file(self, suite: str) -> str:
        if suite == "dataset":
            return self.dataset()
        if suite == "retrieval":
            folder = self.work / "beir"
            shutil.copy(self.judged_corpus(), self.write("beir/corpus.jsonl", ""))
            shutil.copy(self.queries(3), folder / "queries.jsonl")
            shutil.copy(self.data("mini_qrels.tsv"), self.write("beir/qrels/test.tsv", ""))
            return str(folder)
        if suite == "properties":
            spec = {"csv": Path(self.data_csv()).name, "target": "y", "task": "regression", "seeds": 1}
            return self.write("properties.json", json.dumps(spec))
        cases = {
            "chemqa": [
                {"id": "c1", "question": "How many carbon atoms are in CCO?", "answer": 2, "answer_type": "integer"}
            ],
            "research": [
                {"id": "r1", "request": "How many rings are in c1ccc2ccccc2c1?", "facts": ["2"], "sources": ["exp-*"]}
            ],
        }
        return self.write(f"{suite}.jsonl", "".join(json.dumps(c) + "\n" for c in cases[suite]))

    def eval_run(self) -> str:
        file = self.suite_file("chemqa")
        return self.once(
            "eval-run", lambda: json.loads(self.ok("eval", "run", "chemqa", "--file", file, "--json"))["run_id"]
        )


def replayed_http_client(settings, transport=None):  # make_http_client's signature; the transport is ours
    """The product's HTTP client, answering from the recorded responses of tests/knowledge (never the network)."""
    import httpx

    from knowledge.http import RetryPolicy
    from tests.knowledge.sources.conftest import FakeClock
    from tests.knowledge.sources.test_arxiv import by_start
    from tests.knowledge.sources.test_pubmed import eutils
    from tests.knowledge.test_resolve import _sources

    hosts = {
        "www.ebi.ac.uk": _sources,
        "pubchem.ncbi.nlm.nih.gov": _sources,
        "eutils.ncbi.nlm.nih.gov": eutils,
        "export.arxiv.org": by_start,
    }

    def recorded(request: httpx.Request) -> httpx.Response:
        assert request.url.host in hosts, f"a README command reached for the network: {request.url}"
        return hosts[request.url.host](request)

    clock = FakeClock()  # rate limits and back-off wait on a clock of their own, not on the test
    return PRODUCT_HTTP_CLIENT(
        settings,
        transport=httpx.MockTransport(recorded),
        retry=RetryPolicy(attempts=2, backoff_s=0, jitter_s=0),
        sleep=clock.sleep,
        clock=clock,
    )
