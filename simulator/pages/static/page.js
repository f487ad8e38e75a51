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

  const groups = new Map();  // order → the elements drawn for that message
  for (const el of items) {
    const order = Number(el.dataset.order);
    if (!groups.has(order)) { groups.set(order, []); }
    groups.get(order).push(el);
  }
  let drawnAt = -1;              // the step the classes show now
  let drawnLimit = Infinity;     // and the limit they show

  function restyle(index, current) {  // the classes of the elements of orders[index], given the current step
    const order = orders[index];
    for (const el of groups.get(order)) {
      el.classList.toggle("hidden", order > limit);
      el.classList.toggle("future", current >= 0 && index > current);
      el.classList.toggle("current", index === current);
    }
  }

  // Only the messages whose classes change are touched: a step costs the same on a page of
  // ten messages and on one of ten thousand (a jump, the messages it passes).
  function show() {
    if (limit !== drawnLimit || drawnAt < 0 || at < 0) {
      for (let i = 0; i < orders.length; i++) { restyle(i, at); }
    } else if (at !== drawnAt) {
      const low = Math.min(at, drawnAt), high = Math.max(at, drawnAt);
      for (let i = low; i <= high; i++) { restyle(i, at); }
    }
    drawnAt = at;
    drawnLimit = limit;
    const shown = orders.filter((o) => o <= limit).length;
    position.textContent = at < 0 ? `all ${shown} messages` : `message ${at + 1} of ${orders.length}`;
    announce.textContent = position.textContent;
    if (at >= 0) {
      const el = groups.get(orders[at])[0];
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

  const detail = document.getElementById("detail");
  const announce = document.getElementById("announce");
  let opener = null;    // the message whose detail is open: focus goes back to it on Escape
  function select(el) {
    for (const other of items) { other.classList.remove("selected"); }
    el.classList.add("selected");
    const entry = messages[el.dataset.seq];
    document.getElementById("detail-json").textContent = entry ? JSON.stringify(entry, null, 2) : "";
    detail.hidden = !entry;
    opener = el;
    if (entry) {
      announce.textContent = `journal entry ${el.dataset.seq} open`;
      if (window.matchMedia("(max-width: 700px)").matches) { detail.scrollIntoView({ block: "nearest" }); }
    }
  }
  function closeDetail() {
    if (detail.hidden) { return; }
    detail.hidden = true;
    if (opener) { opener.focus(); }
  }
  // a story's link (#m27): show that message, centred, with its journal entry
  function goTo(seq) {
    const el = items.find((e) => e.dataset.seq === String(seq));
    if (!el) { return; }
    const index = orders.indexOf(Number(el.dataset.order));
    if (index >= 0 && orders[index] <= limit) { at = index; show(); }
    select(el);
    el.focus({ preventScroll: true });
  }

  // predict, then reveal: stop at each disposition's click until the trainee has answered
  const box = document.getElementById("quiz");
  function nextQuestion(after) {
    asked = quiz.find((q) => q.order > after) || null;
    document.body.classList.toggle("quiz-open", asked !== null);
    if (!asked) { limit = Infinity; box.hidden = true; show(); return; }
    limit = asked.order;
    box.hidden = false;
    document.getElementById("quiz-title").textContent = `${asked.request}: ${asked.user} picks ${JSON.stringify(asked.disposition)}`;
    document.getElementById("quiz-context").textContent = `When the request reaches Web Services, it sees the call ${asked.view || "not at all"}. `
      + "Look at the diagram above the click: what has T-Server already done, and has Web Services heard of it yet? "
      + "Which path will Web Services choose, and what will reporting end with?";
    for (const input of box.querySelectorAll("input")) { input.checked = false; }
    document.getElementById("quiz-answer").hidden = true;
    document.getElementById("reveal").disabled = false;
    at = -1;
    show();
    const click = items.find((e) => e.dataset.request === asked.request && Number(e.dataset.order) === asked.order);
    if (click) { click.scrollIntoView({ block: "center", inline: "nearest" }); }
  }
  function reveal() {
    const path = box.querySelector("input[name=quiz-path]:checked");
    const fate = box.querySelector("input[name=quiz-fate]:checked");
    const answer = document.getElementById("quiz-answer");
    answer.hidden = false;
    const verdict = document.getElementById("quiz-verdict");
    const told = document.getElementById("quiz-story");
    told.replaceChildren();
    if (!path || !fate) { answer.className = ""; verdict.textContent = "Pick a path and an outcome first."; return; }
    const right = path.value === asked.path && fate.value === asked.fate;
    const taken = asked.path.replace("+", ", then the fallback ");
    answer.className = right ? "right" : "wrong";
    verdict.textContent = (right ? "Right: " : "Not quite: ") + `it took the ${taken} path and reporting ended with it ${asked.fate}. What happened:`;
    for (const line of asked.story) {
      const item = document.createElement("li");
      item.textContent = line;
      told.appendChild(item);
    }
    document.body.classList.remove("quiz-open");
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
    else { limit = Infinity; asked = null; box.hidden = true; document.body.classList.remove("quiz-open"); show(); }
  });
  document.getElementById("reveal").addEventListener("click", reveal);

  // jump between the dispositions' clicks (in click order), or to the next one reporting lost
  function jump(choose) {
    const current = at < 0 ? -Infinity : orders[at];
    const target = choose(current);
    if (!target || target.order > limit) { return; }
    at = orders.indexOf(target.order);
    show();
    announce.textContent = `${target.request}: ${position.textContent}`;
  }
  const byClick = quiz.slice().sort((a, b) => a.order - b.order);
  document.getElementById("next-disposition").addEventListener("click", () => jump((now) => byClick.find((q) => q.order > now)));
  document.getElementById("prev-disposition").addEventListener("click", () => jump((now) => byClick.filter((q) => q.order < now).pop()));
  document.getElementById("next-lost").addEventListener("click", () => jump((now) => byClick.find((q) => q.order > now && q.lost)));
  // only one call, or one agent: every message about another (or about none) is set aside; steps stay
  const onlyCall = document.getElementById("only-call");
  const onlyAgent = document.getElementById("only-agent");
  function filter() {
    const call = onlyCall ? onlyCall.value : "", agent = onlyAgent ? onlyAgent.value : "";
    for (const el of items) {
      const away = (call !== "" && el.dataset.conn !== call) || (agent !== "" && el.dataset.agent !== agent);
      el.classList.toggle("filtered", away && !el.classList.contains("step"));
    }
    announce.textContent = [call ? `only ConnID ${call}` : "every call", agent ? `only ${agent}` : "every agent"].join(", ");
  }
  for (const select of [onlyCall, onlyAgent]) {
    if (select) { select.addEventListener("change", filter); }
  }
  document.getElementById("next").addEventListener("click", () => step(1));
  document.getElementById("prev").addEventListener("click", () => step(-1));
  document.getElementById("all").addEventListener("click", () => { at = -1; show(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { closeDetail(); return; }
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) {
      return;  // the arrow keys belong to the quiz's radio buttons there
    }
    if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
  });
  for (const el of items) {
    el.addEventListener("click", () => select(el));
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { select(el); event.preventDefault(); }
    });
  }
  for (const link of document.querySelectorAll("a[data-seq]")) {
    link.addEventListener("click", (event) => { event.preventDefault(); history.replaceState(null, "", link.getAttribute("href")); goTo(link.dataset.seq); });
  }
  document.getElementById("close-detail").addEventListener("click", closeDetail);
  show();
  const linked = /^#m(\d+)$/.exec(window.location.hash);
  if (linked) { goTo(linked[1]); }
})();
