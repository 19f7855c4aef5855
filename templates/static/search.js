// Full-text search (Pagefind's index, on this site only) with filters by year, mechanism, topic and country.
// Without JavaScript the page still offers the browse links: this script only enhances it.
// Filters use search/filters.json, written by the builder: Pagefind's own filter files differ between
// two builds of the same archive, and our builds are byte-identical.
const root = document.getElementById("search");
const form = root.querySelector("form");
const input = form.querySelector("input[type=search]");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const selects = [...form.querySelectorAll("select[data-filter]")];
const SHOWN = 30;
const BATCH = 20;
const SCAN_LIMIT = 300;
let pagefind; // a promise of Pagefind with every bundle of the page's language (null: no index)
let catalogue;
let latest = 0;

// The index is split into bundles (languages.json lists each language's): the first one ships
// Pagefind's script and merges the others into itself, so a search covers them all. One load per
// page, shared by every search (merging twice would list each result twice).
function loadPagefind() {
  pagefind ??= openIndex().catch((error) => { pagefind = undefined; throw error; });
  return pagefind;
}

async function openIndex() {
  const bundle = new URL(root.dataset.bundle, location.href);
  const languages = await (await fetch(new URL("languages.json", bundle))).json();
  const language = pickLanguage(languages, (document.documentElement.lang || "unknown").toLowerCase());
  if (!language) return null; // nothing indexed yet
  const [first, ...others] = languages[language].bundles.map((b) => new URL(b, bundle).pathname);
  const loaded = await import(`${first}pagefind.js`);
  const options = { baseUrl: root.dataset.base, excerptLength: 30 };
  await loaded.options(options);
  await Promise.all(others.map((path) => loaded.mergeIndex(path, { ...options, language })));
  return loaded;
}

// As Pagefind picks an index for the page: its language, else its base language, else the one with most pages.
function pickLanguage(languages, wanted) {
  if (languages[wanted]) return wanted;
  if (languages[wanted.split("-")[0]]) return wanted.split("-")[0];
  return Object.keys(languages).sort().sort((a, b) => languages[b].pages - languages[a].pages)[0];
}

async function loadCatalogue() {
  if (!catalogue) catalogue = (await (await fetch(root.dataset.filters)).json()).releases;
  return catalogue;
}

function chosen() {
  return selects.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]);
}

function matches(release, filters) {
  return filters.every(([field, value]) =>
    Array.isArray(release[field]) ? release[field].includes(value) : String(release[field]) === value);
}

function item(url, title, meta, excerpt) {
  const entry = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title;
  heading.append(link);
  entry.append(heading);
  if (meta) {
    const line = document.createElement("p");
    line.className = "meta";
    line.textContent = meta;
    entry.append(line);
  }
  if (excerpt) {
    const text = document.createElement("p");
    text.innerHTML = excerpt; // Pagefind escapes the page text and adds only <mark>
    entry.append(text);
  }
  return entry;
}

function remember(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const select of selects) if (select.value) params.set(select.name, select.value);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
}

async function run() {
  const ticket = ++latest;
  const query = input.value.trim();
  const filters = chosen();
  remember(query);
  if (!query && !filters.length) { list.replaceChildren(); status.textContent = ""; return; }
  const allowed = filters.length ? new Set((await loadCatalogue()).filter((r) => matches(r, filters)).map((r) => r.url)) : null;
  let entries;
  let total;
  if (query) {
    const loaded = await loadPagefind();
    const search = loaded ? await loaded.search(query) : { results: [] };
    const found = [];
    let scanned = 0;
    // A result's address is in its fragment: fetch fragments a batch at a time, best first, until enough match.
    while (scanned < search.results.length && found.length < SHOWN && scanned < SCAN_LIMIT) {
      const batch = await Promise.all(search.results.slice(scanned, scanned + BATCH).map((r) => r.data()));
      scanned += batch.length;
      found.push(...(allowed ? batch.filter((d) => allowed.has(new URL(d.url, location.href).pathname)) : batch));
    }
    total = allowed ? (scanned >= search.results.length ? found.length : null) : search.results.length;
    entries = found.slice(0, SHOWN).map((d) => item(d.url, d.meta.title || d.url, [d.meta.date, d.meta.place].filter(Boolean).join(" · "), d.excerpt));
  } else {
    const releases = (await loadCatalogue()).filter((r) => matches(r, filters));
    total = releases.length;
    entries = releases.slice(0, SHOWN).map((r) => item(r.url, r.title, r.date, ""));
  }
  if (ticket !== latest) return; // a newer search has started
  list.replaceChildren(...entries);
  if (total === null) status.textContent = root.dataset.best.replace("{n}", String(entries.length));
  else status.textContent = total ? root.dataset.count.replace("{n}", String(total)) : root.dataset.noResults;
}

function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of selects) select.value = params.get(select.name) || "";
  form.hidden = false;
  let timer;
  const safely = () => run().catch(() => { status.textContent = root.dataset.failed; });
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(safely, 200); });
  for (const select of selects) select.addEventListener("change", safely);
  form.addEventListener("submit", (event) => { event.preventDefault(); safely(); });
  safely();
}

start();
