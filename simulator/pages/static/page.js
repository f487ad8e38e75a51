// A run's page: step through the messages, see each one's journal entry, predict then reveal.
(function () {
  "use strict";
  const messages = JSON.parse(document.getElementById("messages").textContent);
  const quiz = JSON.parse(document.getElementById("quiz-data").textContent);
  const items = Array.from(document.querySelectorAll("#diagram .msg"));
  const orders = Array.from(new Set(items.map((el) => Number(el.dataset.order)))).sort((a, b) => a - b);
  const position = document.getElementById("position");
  let at = -1;          // index into orders of the current message; -1: everything shown
  let limit = Infinity; // predict mode: nothing after this order is shown yet
  let asked = null;     // the quiz entry waiting for an answer

  function show() {
    const current = at < 0 ? null : orders[at];
    for (const el of items) {
      const order = Number(el.dataset.order);
      el.classList.toggle("hidden", order > limit);
      el.classList.toggle("future", current !== null && order > current);
      el.classList.toggle("current", current !== null && order === current);
    }
    const shown = orders.filter((o) => o <= limit).length;
    position.textContent = at < 0 ? `all ${shown} messages` : `message ${at + 1} of ${orders.length}`;
    if (current !== null) {
      const el = items.find((e) => Number(e.dataset.order) === current);
      if (el) { el.scrollIntoView({ block: "center", inline: "nearest" }); }
    }
  }

  function step(delta) {
    let next = at < 0 ? (delta > 0 ? 0 : orders.length - 1) : at + delta;
    next = Math.max(0, Math.min(orders.length - 1, next));
    if (orders[next] > limit) { return; }
    at = next;
    show();
  }

  function select(el) {
    for (const other of items) { other.classList.remove("selected"); }
    el.classList.add("selected");
    const entry = messages[el.dataset.seq];
    document.getElementById("detail-json").textContent = entry ? JSON.stringify(entry, null, 2) : "";
    document.getElementById("detail").hidden = !entry;
  }

  // predict, then reveal: stop at each disposition's click until the trainee has answered
  const box = document.getElementById("quiz");
  function nextQuestion(after) {
    asked = quiz.find((q) => q.order > after) || null;
    if (!asked) { limit = Infinity; box.hidden = true; show(); return; }
    limit = asked.order;
    box.hidden = false;
    document.getElementById("quiz-title").textContent = `${asked.request}: disposition ${JSON.stringify(asked.disposition)}`;
    for (const input of box.querySelectorAll("input")) { input.checked = false; }
    document.getElementById("quiz-answer").hidden = true;
    document.getElementById("reveal").disabled = false;
    at = -1;
    show();
  }
  function reveal() {
    const path = box.querySelector("input[name=quiz-path]:checked");
    const fate = box.querySelector("input[name=quiz-fate]:checked");
    const answer = document.getElementById("quiz-answer");
    answer.hidden = false;
    if (!path || !fate) { answer.className = ""; answer.textContent = "Pick a path and an outcome first."; return; }
    const right = path.value === asked.path && fate.value === asked.fate;
    answer.className = right ? "right" : "wrong";
    answer.textContent = (right ? "Right. " : `Not quite: it took the ${asked.path} path and reporting ended with it ${asked.fate}. `)
      + asked.why;
    document.getElementById("reveal").disabled = true;
    const following = quiz.find((q) => q.order > asked.order);
    limit = following ? following.order - 0.5 : Infinity;  // the outcome, up to the next click
    document.getElementById("continue").hidden = !following;
    show();
  }
  document.getElementById("continue").addEventListener("click", () => {
    document.getElementById("continue").hidden = true;
    nextQuestion(asked ? asked.order : -1);
  });
  document.getElementById("predict").addEventListener("change", (event) => {
    if (event.target.checked && quiz.length) { nextQuestion(-1); }
    else { limit = Infinity; asked = null; box.hidden = true; show(); }
  });
  document.getElementById("reveal").addEventListener("click", reveal);

  document.getElementById("next").addEventListener("click", () => step(1));
  document.getElementById("prev").addEventListener("click", () => step(-1));
  document.getElementById("all").addEventListener("click", () => { at = -1; show(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
  });
  for (const el of items) { el.addEventListener("click", () => select(el)); }
  document.getElementById("close-detail").addEventListener("click", () => { document.getElementById("detail").hidden = true; });
  show();
})();
