// The page: subscribes to /api/extract and renders each snapshot into cards. Model output is untrusted,
// so it only ever reaches the page through textContent.

const statusLine = document.getElementById("status");
const usersList = document.getElementById("users");
const summary = document.getElementById("summary");
const again = document.getElementById("again");
const USER_FIELDS = ["name", "email", "twitter"];
let source;

function setStatus(text, state) {
  statusLine.textContent = text;
  statusLine.dataset.state = state;
}

/** One card per user, created as users appear; fields filled by their JSON Pointer. */
function renderUsers(users) {
  while (usersList.children.length < users.length) {
    const index = usersList.children.length;
    const item = document.createElement("li");
    item.className = "user";
    for (const field of USER_FIELDS) {
      const p = document.createElement("p");
      p.className = `value ${field}`;
      p.dataset.pointer = `/users/${index}/${field}`;
      item.append(p);
    }
    usersList.append(item);
  }
  while (usersList.children.length > users.length) usersList.lastElementChild.remove();
  users.forEach((user, i) => {
    for (const field of USER_FIELDS) {
      const p = usersList.children[i].querySelector(`.${field}`);
      p.textContent = user[field] ?? "";
    }
  });
}

function render(value, writing) {
  renderUsers(value?.users ?? []);
  for (const field of ["date", "location", "deadline"]) {
    document.querySelector(`[data-pointer="/${field}"]`).textContent = value?.[field] ?? "";
  }
  const budget = value?.budget;
  document.querySelector('[data-pointer="/budget"]').textContent =
    budget === undefined ? "" : `$${budget.toLocaleString("en-US")}`;
  for (const el of document.querySelectorAll("[data-pointer]"))
    el.classList.toggle("writing", el.dataset.pointer === writing);
  for (const card of document.querySelectorAll(".card")) {
    card.classList.toggle("active", writing?.startsWith(card.dataset.field) === true);
  }
}

function extract() {
  source?.close();
  again.disabled = true;
  render(undefined, undefined);
  summary.textContent = "";
  setStatus("Connecting…", "streaming");
  source = new EventSource("/api/extract");
  source.addEventListener("start", (e) => {
    const { replay, model } = JSON.parse(e.data);
    setStatus(
      replay ? "Streaming a recorded answer (no OPENAI_API_KEY on the server)…" : `Streaming from ${model}…`,
      "streaming",
    );
  });
  source.addEventListener("snapshot", (e) => {
    const { value, writing } = JSON.parse(e.data);
    render(value, writing);
  });
  source.addEventListener("retry", () => setStatus("The answer did not validate; asking again…", "streaming"));
  source.addEventListener("done", (e) => {
    const { value, ms, usage } = JSON.parse(e.data);
    render(value, undefined);
    setStatus("✓ Complete and valid", "done");
    summary.textContent = `${value.users.length} participants · ${ms} ms${usage ? ` · ${usage.completionTokens} completion tokens` : ""}`;
    source.close();
    again.disabled = false;
  });
  source.addEventListener("failure", (e) => {
    const { name, message } = JSON.parse(e.data);
    setStatus(`✗ ${name}: ${message}`, "failed");
    source.close();
    again.disabled = false;
  });
}

again.addEventListener("click", extract);
extract();
