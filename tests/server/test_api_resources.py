"""Search, compounds, labs, property models and feedback over HTTP, on real components."""

from __future__ import annotations

from tests.conftest import DATA
from tests.server.conftest import bearer


def test_search(client, tokens):
    read = bearer(tokens["read"])
    data = client.get("/v1/search", params={"q": "metformin cancer", "k": 3}, headers=read).json()
    assert 1 <= len(data["passages"]) <= 3 and data["threshold"] > 0
    assert all(p["doc_key"].startswith("scifact:") for p in data["passages"])
    sparse = client.get("/v1/search", params={"q": "metformin", "mode": "sparse", "source": "scifact"}, headers=read)
    assert sparse.json()["mode"] == "sparse"
    assert client.get("/v1/search", params={"q": "metformin", "mode": "fuzzy"}, headers=read).status_code == 422
    assert (
        client.get("/v1/search", params={"q": "   "}, headers=read)
        .json()["error"]["message"]
        .startswith("empty literature query")
    )


def test_compounds(client, tokens):
    read = bearer(tokens["read"])
    data = client.get("/v1/compounds/metformin", headers=read).json()
    assert data["key"] == "drugcentral:1725" and data["properties"]["hbd"] == 4
    assert data["experiment_id"].startswith("exp-")
    aspirin = client.get("/v1/compounds/CC(=O)Oc1ccccc1C(=O)O", headers=read).json()
    assert aspirin["record"]["name"].lower() == "acetylsalicylic acid"
    assert client.get("/v1/compounds/foobarin", headers=read).status_code == 404
    bad = client.get("/v1/compounds/C1CC(=O", headers=read)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_smiles"
    resolved = client.get("/v1/compounds/resolve", params={"q": "metfromin"}, headers=read).json()
    assert resolved["method"] == "fuzzy_name" and resolved["match"]["key"] == "drugcentral:1725"


def test_labs(client, tokens):
    run = bearer(tokens["run"])
    labs = client.get("/v1/labs", headers=run).json()
    assert "rings" in labs["chemistry"]["operations"]
    result = client.post("/v1/labs/chemistry/rings", json={"smiles": "c1ccc2ccccc2c1"}, headers=run).json()
    assert result["outputs"]["rings"] == 2 and result["experiment_id"].startswith("exp-")
    unknown = client.post("/v1/labs/chemistry/teleport", json={"smiles": "CCO"}, headers=run)
    assert unknown.status_code == 400 and "no operation 'teleport'" in unknown.json()["error"]["message"]
    assert client.post("/v1/labs/alchemy/rings", json={"smiles": "CCO"}, headers=run).status_code == 400
    assert client.post("/v1/labs/chemistry/rings", json={"smi": "CCO"}, headers=run).status_code == 400
    assert client.post("/v1/labs/chemistry/rings", json={"smiles": 5}, headers=run).status_code in (400, 422)
    assert client.post("/v1/labs/..%2F..%2Fetc/rings", json={}, headers=run).status_code in (404, 422)


def test_property_models_train_predict_list(client, tokens, runtime):
    run = bearer(tokens["run"])
    csv = "\n".join((DATA / "models" / "delaney_200.csv").read_text().splitlines()[:81])
    body = {"csv": csv, "target": "logp", "task": "regression", "seeds": 1, "name": "api-esol"}
    report = client.post("/v1/models/properties/train", json=body, headers=run)
    assert report.status_code == 200, report.text
    ref = report.json()["model"]
    assert ref.startswith("api-esol@") and {"rmse", "r2"} <= set(report.json()["metrics"])
    predicted = client.post(
        "/v1/models/properties/predict", json={"model": "api-esol", "smiles": ["CCO", "C1CC(=O"]}, headers=run
    ).json()
    assert predicted["model"] == ref and predicted["n_errors"] == 1
    assert predicted["predictions"][0]["prediction"] is not None and predicted["predictions"][1]["error"]
    assert "api-esol" in [m["name"] for m in client.get("/v1/models/properties", headers=run).json()]
    uploads = list((runtime.settings.data_dir / "uploads").iterdir())
    assert uploads and all(p.suffix == ".csv" for p in uploads)


def test_property_model_requests_stay_in_the_data_directory(client, tokens):
    run = bearer(tokens["run"])
    base = {"target": "logp", "task": "regression", "seeds": 1}
    for name in ("../../etc/passwd.csv", "/etc/passwd.csv", "..csv", "x.txt"):
        response = client.post("/v1/models/properties/train", json={**base, "dataset": name}, headers=run)
        assert response.status_code in (404, 422), name
        assert "etc" not in response.json()["error"]["message"] or "invalid dataset name" in response.text
    missing = client.post("/v1/models/properties/train", json={**base, "dataset": "nope.csv"}, headers=run)
    assert missing.status_code == 404
    both = client.post("/v1/models/properties/train", json={**base, "dataset": "a.csv", "csv": "x"}, headers=run)
    assert both.status_code == 422
    unknown = client.post("/v1/models/properties/predict", json={"model": "no-such", "smiles": ["CCO"]}, headers=run)
    assert unknown.status_code == 400 and "no model named 'no-such'" in unknown.json()["error"]["message"]


def test_feedback(client, tokens, app):
    run = bearer(tokens["run"])
    body = {"model": "ech0", "messages": [{"role": "user", "content": "How many rings are in c1ccc2ccccc2c1?"}]}
    run_id = client.post("/v1/chat/completions", json=body, headers=run).json()["run_id"]
    stored = client.post(
        "/v1/feedback", json={"run_id": run_id, "rating": -1, "correction": " It has 2. "}, headers=run
    )
    assert stored.status_code == 201 and stored.json()["correction"] == "It has 2."
    listed = client.get("/v1/feedback", params={"run_id": run_id}, headers=bearer(tokens["read"])).json()
    assert [f["rating"] for f in listed] == [-1] and app.state.feedback.list(run_id=run_id) == listed
    assert client.post("/v1/feedback", json={"run_id": "nope", "rating": 1}, headers=run).status_code == 404
    assert client.post("/v1/feedback", json={"run_id": run_id}, headers=run).status_code == 400
    assert client.post("/v1/feedback", json={"run_id": run_id, "rating": 5}, headers=run).status_code == 422
    assert (
        client.post("/v1/feedback", json={"run_id": run_id, "rating": 1}, headers=bearer(tokens["read"])).status_code
        == 403
    )
