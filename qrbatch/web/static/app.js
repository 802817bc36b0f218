// qrbatch serve: the page's behaviour. Plain script, no build step, nothing fetched from
// elsewhere. Every text from the server or a file goes in through textContent, never as
// HTML. The words come from the server's i18n table (config.strings).
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const SUFFIXES = [".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"];
const DONE = ["finished", "failed"];
const POLL_MS = 700;

const $ = (id) => document.getElementById(id);
let upload = null; // {id, name, earlier} of the sheet on the server
let checked = null; // the last Check's report for this upload (null: not checked)
const panels = new Map(); // run id -> its Progress panel (one per run, never shared)
const WORK_KEY = "qrbatch-work"; // the work a language switch must keep

function t(key, params) {
  let words = config.strings[key] ?? key;
  // "one" forms: a count of 1 reads "1 row", never "1 rows"
  if (params && params.count === 1 && config.strings[key + ".one"] !== undefined) {
    words = config.strings[key + ".one"];
  }
  for (const [name, value] of Object.entries(params || {})) {
    words = words.split("{" + name + "}").join(String(value));
  }
  return words;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

function humanSize(size) {
  if (size < 1024) return size + " B";
  if (size < 1024 * 1024) return Math.round(size / 1024) + " KB";
  const locale = config.lang === "id" ? "id-ID" : "en-GB";
  const megabytes = size / (1024 * 1024);
  return megabytes.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " MB";
}

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("unit.seconds", { n: s });
  return t("unit.minutes", { m: Math.floor(s / 60), s: s % 60 });
}

function number(value, digits) {
  return Number(value).toLocaleString(config.lang === "id" ? "id-ID" : "en-GB", {
    maximumFractionDigits: digits || 0,
  });
}

function say(node, text, kind) {
  node.textContent = text;
  node.classList.remove("ok", "warn", "error");
  if (kind) node.classList.add(kind);
}

class PageError extends Error {}

// The token: taken from the address once, kept in this origin's localStorage (the
// origin is scheme, host and port: no other local port reads it), and sent as a header.
// Never a cookie: browsers send cookies to every port of the host, so another program on
// this computer would get it. The token lasts across restarts of qrbatch serve, so the
// page keeps working after the browser or the server restarts.
const TOKEN_KEY = "qrbatch-token";
const TOKEN_HEADER = "X-Qrbatch-Token";
const LANGUAGE_HEADER = "X-Qrbatch-Lang"; // the server's words follow the page's language

function takeToken() {
  const address = new URL(window.location.href);
  const given = address.searchParams.get("token");
  if (given !== null) {
    localStorage.setItem(TOKEN_KEY, given);
    address.searchParams.delete("token");
    // Off the address bar, and out of this entry of the history.
    window.history.replaceState(null, "", address.pathname + address.search + address.hash);
  }
  sessionStorage.removeItem(TOKEN_KEY); // where earlier versions kept it
  return localStorage.getItem(TOKEN_KEY);
}

const token = takeToken();

function signedOut() {
  localStorage.removeItem(TOKEN_KEY);
  $("signed-in").hidden = true;
  $("signin").hidden = false;
  $("password-form").hidden = !config.password;
}

async function signIn(event) {
  event.preventDefault();
  const status = $("signin-status");
  say(status, t("signin.checking"));
  try {
    const response = await fetch("/api/signin", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: $("password").value }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new PageError(data.error || t("error.network"));
    localStorage.setItem(TOKEN_KEY, data.token);
    window.location.reload();
  } catch (error) {
    say(status, error instanceof PageError ? error.message : t("error.network"), "error");
    $("password").focus();
  }
}

function openAddress(event) {
  event.preventDefault();
  let given = null;
  try {
    given = new URL($("address").value.trim(), window.location.href).searchParams.get("token");
  } catch (error) {
    given = null;
  }
  if (!given) {
    say($("signin-status"), t("signin.no_token"), "error");
    $("address").focus();
    return;
  }
  localStorage.setItem(TOKEN_KEY, given);
  window.location.reload();
}

// One place for every call: the token travels in its header.
async function api(method, url, body) {
  let response;
  try {
    const headers = { [TOKEN_HEADER]: token || "", [LANGUAGE_HEADER]: config.lang };
    const options = { method, credentials: "omit", headers };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) {
      options.body = JSON.stringify(body);
      options.headers["Content-Type"] = "application/json";
    }
    response = await fetch(url, options);
  } catch (error) {
    throw new PageError(t("error.network"));
  }
  if (response.status === 401) {
    signedOut();
    throw new PageError(t("error.session"));
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new PageError(data.error || t("error.network"));
  return data;
}

function options() {
  return {
    image_type: $("image_type").value,
    default_region: $("default_region").value,
    label_column: $("label_column").value,
    pdf_layout: $("pdf_layout").value,
    pdf_note: $("pdf_note").value,
    sheet: $("sheet").value,
    phone_column: $("phone_column").value,
    message_column: $("message_column").value,
    country_column: $("country_column").value,
  };
}

function announce(text) {
  // a live region: a screen reader hears the counts, not only "Done."
  const region = $("announce");
  region.textContent = "";
  window.setTimeout(() => (region.textContent = text), 50);
}

function setBusy(busy) {
  $("check").disabled = busy || !upload;
  $("create").disabled = busy || !upload;
}

// The work survives a language switch (the page reloads in the other language) -----------

function saveWork() {
  const work = { upload, checked: checked !== null, options: options() };
  sessionStorage.setItem(WORK_KEY, JSON.stringify(work));
}

async function restoreWork() {
  const saved = sessionStorage.getItem(WORK_KEY);
  sessionStorage.removeItem(WORK_KEY);
  if (!saved) return;
  let work;
  try {
    work = JSON.parse(saved);
  } catch (error) {
    return;
  }
  for (const name of ["image_type", "default_region", "pdf_layout", "pdf_note"]) {
    if (work.options && work.options[name] !== undefined) $(name).value = work.options[name];
  }
  if (!work.upload) return;
  upload = work.upload;
  say($("file-status"), t("file.ready", { name: upload.name, size: upload.size }), "ok");
  showEarlier();
  await loadSheet(work.options.sheet || null, work.options);
  setBusy(false);
  if (work.checked) await check();
}

// Step 1: the spreadsheet --------------------------------------------------------------

async function send(file) {
  const status = $("file-status");
  upload = null;
  checked = null;
  setBusy(true);
  $("step-check").hidden = true;
  $("sheet-box").hidden = true;
  $("confirm").hidden = true;
  const dot = file.name.lastIndexOf(".");
  const suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
  if (!SUFFIXES.includes(suffix)) {
    say(status, t("error.type", { name: file.name }), "error");
    return;
  }
  if (file.size > config.maxUpload) {
    say(
      status,
      t("error.size", { name: file.name, size: humanSize(file.size), limit: config.maxUploadText }),
      "error",
    );
    return;
  }
  say(status, t("file.uploading", { name: file.name }));
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    upload = await api("POST", "/api/uploads", form);
    say(status, t("file.ready", { name: upload.name, size: upload.size }), "ok");
    showEarlier();
    await loadSheet(null, null);
  } catch (error) {
    say(status, error.message, "error");
  }
  setBusy(false);
}

function when(iso) {
  return new Date(iso).toLocaleString(config.lang === "id" ? "id-ID" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

function showEarlier() {
  const note = $("file-earlier");
  if (upload && upload.earlier) {
    say(
      note,
      t("file.earlier", { when: when(upload.earlier.created), count: upload.earlier.codes }),
      "warn",
    );
  } else {
    say(note, "");
  }
}

function pick(files) {
  if (files && files.length) send(files[0]);
}

// The sheet and its columns --------------------------------------------------------------

function fillSelect(select, values, chosen, empty) {
  select.replaceChildren();
  if (empty !== undefined) select.append(el("option", empty, { value: "" }));
  for (const value of values) select.append(el("option", value, { value }));
  select.value = values.includes(chosen) ? chosen : "";
}

async function loadSheet(sheet, kept) {
  const query = sheet ? "?sheet=" + encodeURIComponent(sheet) : "";
  const preview = await api("GET", `/api/runs/${upload.id}/sheet${query}`);
  const box = $("sheet-box");
  box.hidden = false;
  const sheets = preview.sheets;
  $("sheet-choice").hidden = sheets.length < 2;
  fillSelect($("sheet"), sheets, preview.sheet || "");
  const columns = preview.columns;
  const guess = preview.guess;
  const pickOne = (name, fallback) =>
    kept && columns.includes(kept[name]) ? kept[name] : fallback;
  const choose = t("sheet.choose.option");
  fillSelect($("phone_column"), columns, pickOne("phone_column", guess.phone_column), choose);
  fillSelect($("message_column"), columns, pickOne("message_column", guess.message_column), choose);
  fillSelect(
    $("label_column"),
    columns,
    pickOne("label_column", guess.label_column || ""),
    t("options.label_column.none"),
  );
  fillSelect(
    $("country_column"),
    columns,
    pickOne("country_column", guess.country_column),
    t("options.label_column.none"),
  );
  const reading = preview.sheet
    ? t("sheet.reading", { sheet: preview.sheet, name: upload.name })
    : t("sheet.reading.text", { name: upload.name });
  if (preview.error) {
    say($("sheet-reading"), t("error.preview", { detail: preview.error }), "error");
  } else if (missingColumns() !== null) {
    say($("sheet-reading"), reading + " " + t("sheet.choose" + missingColumns()), "warn");
  } else {
    say($("sheet-reading"), reading);
  }
  const head = $("preview").querySelector("thead");
  const body = $("preview").querySelector("tbody");
  head.replaceChildren();
  body.replaceChildren();
  const header = el("tr");
  for (const column of columns) header.append(el("th", column, { scope: "col" }));
  head.append(header);
  for (const cells of preview.rows) {
    const row = el("tr");
    for (let i = 0; i < columns.length; i++) row.append(el("td", cells[i] ?? ""));
    body.append(row);
  }
}

function columnsChanged() {
  checked = null; // a Check of other columns says nothing of these
  $("step-check").hidden = true;
  $("confirm").hidden = true;
  const missing = missingColumns();
  if (missing === null) say($("sheet-reading"), readingText());
  else say($("sheet-reading"), readingText() + " " + t("sheet.choose" + missing), "warn");
}

// null when the phone and message columns are chosen (or the sheet has no columns to
// choose from: its own problem is said), else the end of the words' key: ".phone",
// ".message", or "" for both
function missingColumns() {
  if ($("sheet-box").hidden || $("phone_column").options.length < 2) return null;
  const phone = !$("phone_column").value;
  const message = !$("message_column").value;
  if (phone && message) return "";
  if (phone) return ".phone";
  if (message) return ".message";
  return null;
}

// Check and Create before the columns are chosen: say which to choose, and go there
function askForColumns() {
  const missing = missingColumns();
  if (missing === null) return false;
  $("confirm").hidden = true;
  $("step-check").hidden = false;
  $("problems-wrap").hidden = true;
  checked = null;
  $("check-shared").replaceChildren();
  const text = t("check.choose" + (missing || ".both"));
  say($("check-summary"), text, "error");
  announce(text);
  $(missing === ".message" ? "message_column" : "phone_column").focus();
  return true;
}

function readingText() {
  const sheet = $("sheet").value;
  return sheet
    ? t("sheet.reading", { sheet, name: upload.name })
    : t("sheet.reading.text", { name: upload.name });
}

// Step 2: Check --------------------------------------------------------------------------

function detailOf(problem) {
  return problem.detail;
}

function showCheck(report) {
  $("step-check").hidden = false;
  const body = $("problems").querySelector("tbody");
  body.replaceChildren();
  $("check-more").textContent = "";
  $("check-shared").replaceChildren();
  if (report.error) {
    say($("check-summary"), report.error, "error");
    $("problems-wrap").hidden = true;
    checked = null;
    announce(report.error);
    return;
  }
  checked = report;
  const summary = t("check.summary", { ...report, count: report.rows });
  const text = report.invalid ? summary : summary + " " + t("check.ok");
  say($("check-summary"), text, report.invalid ? "warn" : "ok");
  announce(text);
  $("problems-wrap").hidden = report.problems.length === 0;
  for (const problem of report.problems) {
    const known = config.strings["problem." + problem.code] !== undefined;
    let fix = "problem." + problem.code + ".fix";
    if (problem.advice && config.strings[fix + "." + problem.advice] !== undefined) {
      fix += "." + problem.advice;
    }
    const row = el("tr");
    const where = el("td", number(problem.row), { class: "num" });
    if (problem.name) where.append(el("span", problem.name, { class: "row-name", dir: "auto" }));
    row.append(
      where,
      el("td", known ? t("problem." + problem.code) : t("problem.generic")),
      el("td", known ? t(fix) : t("problem.generic.fix")),
      el("td", detailOf(problem), { class: "detail" }),
    );
    body.append(row);
  }
  if (report.invalid > report.problems.length) {
    $("check-more").textContent = t("check.more", {
      shown: report.problems.length,
      total: report.invalid,
    });
  }
  showShared(report.shared || []);
}

const SHARED_SHOWN = 5;

// "2 and 32", "2, 5 and 32"
function rowList(rows) {
  const shown = rows.map((row) => number(row));
  const last = shown.pop();
  return shown.length ? shown.join(", ") + " " + t("word.and") + " " + last : last;
}

// Rows asking for the same number and message get one code between them: say so
function showShared(groups) {
  const list = $("check-shared");
  list.replaceChildren();
  for (const rows of groups.slice(0, SHARED_SHOWN)) {
    list.append(el("li", t("check.shared", { rows: rowList(rows) })));
  }
  if (groups.length > SHARED_SHOWN) {
    list.append(el("li", t("check.shared.more", { count: groups.length - SHARED_SHOWN })));
  }
}

async function check() {
  if (!upload) return say($("file-status"), t("file.none"), "error");
  if (askForColumns()) return;
  setBusy(true);
  $("confirm").hidden = true;
  $("step-check").hidden = false;
  $("problems-wrap").hidden = true;
  $("check-shared").replaceChildren();
  say($("check-summary"), t("check.running"));
  try {
    showCheck(await api("POST", `/api/runs/${upload.id}/check`, options()));
  } catch (error) {
    say($("check-summary"), error.message, "error");
  }
  setBusy(false);
  $("check-title").focus();
}

// Step 3: Create and watch -----------------------------------------------------------------

// A download is a navigation, which cannot carry the header: ask the API for a link that
// opens the file once, within a minute, then follow it.
async function download(minting, status) {
  try {
    const { url } = await api("POST", minting);
    const link = el("a", null, { href: url, download: "", hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    say(status, error.message, "error");
  }
}

function downloadLinks(run, status) {
  const box = el("span", null, { class: "links" });
  for (const kind of ["results", "pdf", "zip"]) {
    const label = t("download." + kind);
    const minting = run.downloads[kind];
    if (minting) {
      const link = el("a", label, { href: "#", class: "download" });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        download(minting, status);
      });
      box.append(link);
    } else {
      const off = el("span", label, { class: "download disabled" });
      off.append(el("small", " (" + t("download.missing") + ")"));
      box.append(off);
    }
  }
  return box;
}

function panelFor(run) {
  let panel = panels.get(run.id);
  if (!panel) {
    panel = $("run-template").content.firstElementChild.cloneNode(true);
    panel.dataset.run = run.id;
    panel.id = "run-" + run.id;
    panel.querySelector(".run-cancel").addEventListener("click", () => cancel(run.id, panel));
    $("runs").prepend(panel);
    panels.set(run.id, panel);
  }
  return panel;
}

function outcomeOf(run) {
  const got = (run.counts.created || 0) + (run.counts.reused || 0);
  const fix = (run.counts.invalid || 0) + (run.counts.failed || 0);
  const rows = Math.max(run.rows, got + fix);
  const pending = Math.max(0, run.total - (run.counts.created || 0) - (run.counts.reused || 0) - (run.counts.failed || 0));
  const parts = [t("outcome.codes", { codes: number(got), rows: number(rows), count: rows })];
  if (run.codes && run.codes < got) parts.push(t("outcome.shared", { codes: number(run.codes) }));
  if (fix) parts.push(t("outcome.fix", { count: fix }));
  if (run.cancelled && pending) parts.push(t("outcome.pending", { count: pending }));
  const kind = got === 0 && rows > 0 ? "error" : fix || pending ? "warn" : "ok";
  return { text: parts.join(" "), kind };
}

function showRun(run) {
  const panel = panelFor(run);
  const q = (name) => panel.querySelector("." + name);
  q("run-name").textContent = run.name;
  q("run-sheet").textContent = run.options.sheet ? t("run.sheet", { sheet: run.options.sheet }) : "";
  const done = DONE.includes(run.state);
  let state = t("run." + (run.state === "uploaded" ? "queued" : run.state), {
    detail: run.message,
  });
  if (run.state === "running" && config.strings["phase." + run.phase]) {
    state = t("phase." + run.phase, { count: run.phase_total });
  }
  const listing = run.state === "running" && run.phase === "listing" && run.phase_total > 0;
  if (listing && run.listed > 0) {
    // one call per number at the account's pace: a big sheet spends minutes here
    state = t("phase.listed", {
      done: number(run.listed),
      total: number(run.phase_total),
      count: run.phase_total,
    });
  }
  if (run.cancelling) state = t("run.cancelling");
  let kind = run.state === "failed" ? "error" : "";
  if (run.state === "finished" && run.message) {
    state = t("run.stopped", { detail: run.message });
    kind = "error";
  } else if (run.state === "finished" && run.cancelled) {
    state = t("run.cancelled");
  }
  say(q("run-state"), state, kind);
  const bar = q("run-bar");
  const outcome = done && run.state === "finished" ? outcomeOf(run) : null;
  bar.max = Math.max(1, listing ? run.phase_total : run.total);
  bar.value = done
    ? (run.counts.created || 0) + (run.counts.reused || 0)
    : listing
      ? run.listed
      : run.done;
  bar.className = "run-bar" + (outcome ? " bar-" + outcome.kind : "");
  const parts = [t("run.rows", { done: number(run.done), total: number(run.total), count: run.total })];
  if (run.rate) parts.push(t("run.rate", { rate: number(run.rate, 2) }));
  if (!done && run.seconds_left !== null) parts.push(t("run.left", { time: duration(run.seconds_left) }));
  parts.push(run.throttled ? t("run.throttled", { count: run.throttled }) : t("run.not_throttled"));
  q("run-numbers").textContent = parts.join(" · ");
  const counts = q("run-counts");
  counts.replaceChildren();
  for (const status of config.statuses) {
    const item = el("li", null, { class: "status-" + status, "data-status": status });
    item.append(el("strong", number(run.counts[status] || 0)), " " + t("status." + status));
    counts.append(item);
  }
  if (outcome) say(q("run-outcome"), outcome.text, outcome.kind);
  else say(q("run-outcome"), "");
  const cancelButton = q("run-cancel");
  cancelButton.hidden = done;
  cancelButton.disabled = Boolean(run.cancelling);
  const notes = [];
  if (run.sandbox) notes.push(t("run.sandbox"));
  if (!done) notes.push(t("run.keeps_going"));
  q("run-note").textContent = notes.join(" ");
  const downloads = q("downloads");
  downloads.hidden = !done;
  downloads.replaceChildren(downloadLinks(run, q("run-note")));
  return { panel, done, outcome, state };
}

async function watch(id) {
  if (watchers.has(id)) return;
  watchers.add(id);
  let polls = 0;
  try {
    for (;;) {
      let run;
      try {
        run = await api("GET", `/api/runs/${id}`);
      } catch (error) {
        const panel = panels.get(id);
        if (panel) say(panel.querySelector(".run-state"), error.message, "error");
        if (!token || $("signin").hidden === false) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS * 4));
        continue;
      }
      const shown = showRun(run);
      if (shown.done) {
        finished(run, shown);
        listRuns();
        return;
      }
      if (++polls % 8 === 0) listRuns(); // the list's counts move with the run, less often
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    watchers.delete(id);
  }
}
const watchers = new Set();
const seenRunning = new Set();

function finished(run, shown) {
  if (!seenRunning.has(run.id)) return; // an old run shown again: nothing new to say
  seenRunning.delete(run.id);
  announce(run.name + ": " + (shown.outcome ? shown.state + " " + shown.outcome.text : shown.state));
  document.title = t("title.done", { name: run.name }) + " · " + config.strings["page.title"];
  if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
    new Notification(t("title.done", { name: run.name }), {
      body: shown.outcome ? shown.outcome.text : shown.state,
      lang: config.lang,
    });
  }
}

function askToNotify() {
  // asked on the Create click (browsers ask only on a person's gesture), once
  if ("Notification" in window && Notification.permission === "default") {
    Notification.requestPermission().catch(() => {});
  }
}

function confirmCreate() {
  // Before sending: say what the Check found (or that there was none), and an earlier run
  if (upload && askForColumns()) return;
  let text = "";
  if (checked === null) text = t("confirm.unchecked");
  else if (checked.invalid) text = t("confirm.problems", { count: checked.invalid });
  if (upload.earlier) {
    const earlier = t("confirm.earlier", {
      when: when(upload.earlier.created),
      count: upload.earlier.codes,
    });
    text = text ? text + " " + earlier : earlier;
  }
  if (!text) return create();
  $("confirm-text").textContent = text;
  $("confirm").hidden = false;
  $("confirm-yes").focus();
}

async function create() {
  if (!upload) return say($("file-status"), t("file.none"), "error");
  askToNotify();
  $("confirm").hidden = true;
  setBusy(true);
  try {
    const run = await api("POST", `/api/runs/${upload.id}/start`, options());
    upload = null; // the sheet now belongs to this run; a new one starts from a new file
    checked = null;
    $("file").value = "";
    say($("file-status"), "");
    say($("file-earlier"), "");
    $("sheet-box").hidden = true;
    $("step-check").hidden = true;
    seenRunning.add(run.id);
    const { panel } = showRun(run);
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
    panel.querySelector(".run-title").focus();
    listRuns();
    watch(run.id);
  } catch (error) {
    say($("file-status"), error.message, "error");
  }
  setBusy(false);
}

async function cancel(id, panel) {
  try {
    showRun(await api("POST", `/api/runs/${id}/cancel`));
  } catch (error) {
    say(panel.querySelector(".run-state"), error.message, "error");
  }
}

// Earlier runs -------------------------------------------------------------------------------

async function listRuns() {
  let data;
  try {
    data = await api("GET", "/api/runs");
  } catch (error) {
    say($("history-none"), error.message, "error");
    return;
  }
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  $("history").hidden = data.runs.length === 0;
  $("history-none").hidden = data.runs.length !== 0;
  for (const run of data.runs) {
    const row = el("tr", null, { "data-run": run.id });
    const name = el("td");
    const show = el("a", run.name, { href: "#run-" + run.id, class: "show" });
    show.addEventListener("click", (event) => {
      event.preventDefault();
      const { panel } = showRun(run);
      panel.scrollIntoView({ behavior: "smooth", block: "start" });
      panel.querySelector(".run-title").focus();
      watch(run.id);
    });
    name.append(show);
    const counts = config.statuses
      .filter((status) => run.counts[status])
      .map((status) => `${number(run.counts[status])} ${t("status." + status)}`)
      .join(", ");
    const state = el("td", t("state." + run.state) + (counts ? ": " + counts : ""));
    const links = el("td");
    if (DONE.includes(run.state)) links.append(downloadLinks(run, $("history-none")));
    row.append(el("td", when(run.created)), name, state, links);
    body.append(row);
  }
  // every run still going keeps its own panel in view (others queue beneath it)
  for (const run of data.runs.filter((r) => !DONE.includes(r.state)).reverse()) {
    seenRunning.add(run.id);
    if (!panels.has(run.id)) showRun(run);
    watch(run.id);
  }
}

// The account ------------------------------------------------------------------------------

function showNumbers(numbers) {
  const body = $("numbers").querySelector("tbody");
  body.replaceChildren();
  for (const item of numbers) {
    const row = el("tr");
    const status = item.usable ? item.status : `${item.status} (${t("account.unusable")})`;
    row.append(
      el("td", item.phone),
      el("td", item.name),
      el("td", status),
      el("td", item.live_codes === null ? "–" : number(item.live_codes), { class: "num" }),
    );
    body.append(row);
  }
  $("numbers-wrap").hidden = numbers.length === 0;
}

function showAccount(facts) {
  $("endpoint").textContent = facts.endpoint;
  $("credentials").textContent = facts.credentials;
  $("account-in-use").textContent =
    facts.origin === "sandbox" ? t("account.sandbox") : facts.credentials;
  $("account-form").hidden = !facts.editable;
}

async function saveAccount(event) {
  event.preventDefault();
  const status = $("account-status");
  say(status, t("account.saving"));
  $("account-save").disabled = true;
  try {
    const answer = await api("POST", "/api/account", {
      access_key_id: $("access_key_id").value,
      access_key_secret: $("access_key_secret").value,
    });
    $("access_key_secret").value = ""; // typed once, kept on the server, never shown again
    showAccount(answer);
    showNumbers(answer.numbers);
    if (answer.numbers_error) {
      say(status, t("account.saved.error", { detail: answer.numbers_error }), "error");
    } else if (answer.numbers.length === 0) {
      say(status, t("account.saved.none"), "warn");
    } else {
      say(status, t("account.saved", { count: answer.numbers.length }), "ok");
    }
    announce(status.textContent);
  } catch (error) {
    say(status, error.message, "error");
  }
  $("account-save").disabled = false;
}

async function about() {
  try {
    showAccount(await api("GET", "/api/about"));
  } catch (error) {
    say($("credentials"), error.message, "error");
  }
}

// Wiring ---------------------------------------------------------------------------------------

$("file").addEventListener("change", (event) => pick(event.target.files));
$("check").addEventListener("click", check);
$("create").addEventListener("click", confirmCreate);
$("confirm-yes").addEventListener("click", create);
$("confirm-no").addEventListener("click", () => {
  $("confirm").hidden = true;
  $("create").focus();
});
$("sheet").addEventListener("change", async () => {
  checked = null;
  $("step-check").hidden = true;
  try {
    await loadSheet($("sheet").value, null);
  } catch (error) {
    say($("sheet-reading"), error.message, "error");
  }
});
for (const name of ["phone_column", "message_column", "country_column", "default_region"]) {
  $(name).addEventListener("change", columnsChanged);
}
$("account-form").addEventListener("submit", saveAccount);
for (const link of document.querySelectorAll("header nav a")) {
  link.addEventListener("click", saveWork); // the other language keeps the file and options
}
const drop = $("drop");
for (const name of ["dragenter", "dragover"]) {
  drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
}
for (const name of ["dragleave", "drop"]) {
  drop.addEventListener(name, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  pick(event.dataTransfer.files);
});
$("password-form").addEventListener("submit", signIn);
$("address-form").addEventListener("submit", openAddress);
if (token) {
  $("signed-in").hidden = false;
  about();
  listRuns();
  restoreWork();
} else {
  signedOut();
}
