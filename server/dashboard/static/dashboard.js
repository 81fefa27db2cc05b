// ECH0 dashboard: live progress of a run page. The key stays in an HttpOnly cookie; this script never sees it.
"use strict";

(function () {
  const live = document.getElementById("live");
  if (!live) return;
  const statusEl = document.getElementById("status");
  const planEl = document.getElementById("plan");
  const FINAL = ["done", "failed", "cancelled", "awaiting_approval"];
  let finished = false;

  function setStatus(status) {
    statusEl.textContent = status;
    statusEl.className = "status " + status;
    if (FINAL.includes(status) && !finished) {
      finished = true;
      window.setTimeout(() => window.location.reload(), 300);
    }
  }

  function showProgress(progress) {
    const done = new Map((progress.steps_done || []).map((s) => [s.step_id, s.ok]));
    planEl.replaceChildren();
    for (const step of progress.plan || []) {
      const li = document.createElement("li");
      const state = done.has(step.id) ? (done.get(step.id) ? "ok" : "failed") : "pending";
      li.className = state;
      li.textContent = `${step.id} ${step.tool} — ${state === "pending" ? "running" : state}`;
      planEl.appendChild(li);
    }
    if (!planEl.children.length && progress.next && progress.next.length) {
      const li = document.createElement("li");
      li.textContent = "next: " + progress.next.join(", ");
      planEl.appendChild(li);
    }
  }

  function poll() {
    fetch(live.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        if (data.progress) showProgress(data.progress);
        setStatus(data.status);
        if (!finished) window.setTimeout(poll, 1500);
      })
      .catch(() => window.setTimeout(poll, 3000));
  }

  if (!window.EventSource) return poll();
  const events = new EventSource(live.dataset.events, { withCredentials: true });
  events.addEventListener("status", (e) => setStatus(JSON.parse(e.data).status));
  events.addEventListener("progress", (e) => showProgress(JSON.parse(e.data)));
  events.addEventListener("result", (e) => {
    events.close();
    setStatus(JSON.parse(e.data).status);
  });
  events.onerror = () => {
    events.close();
    if (!finished) poll();
  };
})();
