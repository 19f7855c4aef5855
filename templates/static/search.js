// Full-text search over the Pagefind index of this site (same host only; nothing leaves the site).
// Without JavaScript the page still offers the browse links; this script only enhances it.
const root = document.getElementById("search");
const form = root.querySelector("form");
const input = form.querySelector("input[type=search]");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const selects = [...form.querySelectorAll("select[data-filter]")];
let pagefind;

function option(value, text) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = text;
  return element;
}

async function fillFilters() {
  const filters = await pagefind.filters();
  const params = new URLSearchParams(location.search);
  for (const select of selects) {
    const name = select.dataset.filter;
    select.append(option("", root.dataset.all));
    const values = Object.keys(filters[name] || {}).sort((a, b) => name === "year" ? b.localeCompare(a) : a.localeCompare(b));
    for (const value of values) select.append(option(value, value));
    select.value = params.get(name) || "";
  }
  input.value = params.get("q") || "";
}

function chosenFilters() {
  const filters = {};
  for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
  return filters;
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  list.replaceChildren();
  if (!query && !Object.keys(filters).length) { status.textContent = ""; return; }
  const search = await pagefind.search(query || null, { filters, sort: query ? undefined : { date: "desc" } });
  const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
  status.textContent = results.length
    ? root.dataset.count.replace("{n}", String(search.results.length))
    : root.dataset.noResults;
  for (const result of results) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [result.meta.date, result.meta.place].filter(Boolean).join(" · ");
    const excerpt = document.createElement("p");
    excerpt.innerHTML = result.excerpt; // Pagefind escapes the text; only <mark> is added
    item.append(heading, meta, excerpt);
    list.append(item);
  }
}

async function start() {
  pagefind = await import(`${root.dataset.bundle}pagefind.js`);
  await pagefind.options({ baseUrl: root.dataset.base, excerptLength: 30 });
  await pagefind.init();
  await fillFilters();
  form.hidden = false;
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  for (const select of selects) select.addEventListener("change", run);
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  run();
}

start().catch(() => { status.textContent = root.dataset.noResults; });
