// qrbatch serve: the page's behaviour. Plain script, no build step, nothing fetched from
// elsewhere. Every text from the server or a file goes in through textContent, never as
// HTML. The words come from the server's i18n table (config.strings).
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const SUFFIXES = [".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"];
const DONE = ["finished", "failed"];
const POLL_MS = 700;

const $ = (id) => document.getElementById(id);
let upload = null; // {id, name} of the sheet on the server
let watching = null; // id of the run shown in Progress

function t(key, params) {
  let words = config.strings[key] ?? key;
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
  return (size / (1024 * 1024)).toFixed(1) + " MB";
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
  node.className = kind || "";
}

class PageError extends Error {}

// The token: taken from the address once, kept in this origin's localStorage (the
// origin is scheme, host and port: no other local port reads it), and sent as a header.
// Never a cookie: browsers send cookies to every port of the host, so another program on
// this computer would get it. The token lasts across restarts of qrbatch serve, so the
// page keeps working after the browser or the server restarts.
const TOKEN_KEY = "qrbatch-token";
const TOKEN_HEADER = "X-Qrbatch-Token";

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
    const options = { method, credentials: "omit", headers: { [TOKEN_HEADER]: token || "" } };
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
    default_region: $("default_region").value.trim(),
    label_column: $("label_column").value,
    pdf_layout: $("pdf_layout").value,
  };
}

function setBusy(busy) {
  $("check").disabled = busy || !upload;
  $("create").disabled = busy || !upload;
}

// Step 1: the spreadsheet --------------------------------------------------------------

async function send(file) {
  const status = $("file-status");
  upload = null;
  setBusy(true);
  $("step-check").hidden = true;
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
  } catch (error) {
    say(status, error.message, "error");
  }
  setBusy(false);
}

function pick(files) {
  if (files && files.length) send(files[0]);
}

// Step 2: Check --------------------------------------------------------------------------

function fillLabelColumns(columns) {
  const select = $("label_column");
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const column of columns) select.append(el("option", column, { value: column }));
  if (columns.includes(chosen)) select.value = chosen;
}

function showCheck(report) {
  $("step-check").hidden = false;
  const body = $("problems").querySelector("tbody");
  body.replaceChildren();
  $("check-more").textContent = "";
  if (report.error) {
    say($("check-summary"), report.error, "error");
    $("problems").hidden = true;
    return;
  }
  const summary = t(report.rows === 1 ? "check.summary.one" : "check.summary", report);
  say(
    $("check-summary"),
    report.invalid ? summary : summary + " " + t("check.ok"),
    report.invalid ? "warn" : "ok",
  );
  fillLabelColumns(report.columns);
  $("problems").hidden = report.problems.length === 0;
  for (const problem of report.problems) {
    const known = config.strings["problem." + problem.code] !== undefined;
    const row = el("tr");
    row.append(
      el("td", problem.row, { class: "num" }),
      el("td", known ? t("problem." + problem.code) : t("problem.generic")),
      el("td", known ? t("problem." + problem.code + ".fix") : t("problem.generic.fix")),
      el("td", problem.message, { class: "detail" }),
    );
    body.append(row);
  }
  if (report.invalid > report.problems.length) {
    $("check-more").textContent = t("check.more", {
      shown: report.problems.length,
      total: report.invalid,
    });
  }
}

async function check() {
  if (!upload) return say($("file-status"), t("file.none"), "error");
  setBusy(true);
  $("step-check").hidden = false;
  $("problems").hidden = true;
  say($("check-summary"), t("check.running"));
  try {
    showCheck(await api("POST", `/api/runs/${upload.id}/check`, options()));
  } catch (error) {
    say($("check-summary"), error.message, "error");
  }
  setBusy(false);
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

function downloadLinks(run) {
  const box = el("span", null, { class: "links" });
  for (const kind of ["results", "pdf", "zip"]) {
    const label = t("download." + kind);
    const minting = run.downloads[kind];
    if (minting) {
      const link = el("a", label, { href: "#", class: "download" });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        download(minting, $("run-note"));
      });
      box.append(link);
    } else {
      const off = el("span", label, {
        class: "download disabled",
        "aria-disabled": "true",
        title: t("download.missing"),
      });
      off.append(el("small", " (" + t("download.missing") + ")"));
      box.append(off);
    }
  }
  return box;
}

function showRun(run) {
  $("step-run").hidden = false;
  $("run-name").textContent = run.name;
  const done = DONE.includes(run.state);
  let state = t("run." + (run.state === "uploaded" ? "queued" : run.state), {
    detail: run.message,
  });
  if (run.state === "running" && config.strings["phase." + run.phase]) {
    state = t("phase." + run.phase);
  }
  let kind = run.state === "failed" ? "error" : done ? "ok" : "";
  if (run.state === "finished" && run.message) {
    state = t("run.stopped", { detail: run.message });
    kind = "error";
  }
  say($("run-state"), state, kind);
  const bar = $("run-bar");
  bar.max = Math.max(1, run.total);
  bar.value = done ? Math.max(1, run.total) : run.done;
  const parts = [t("run.rows", { done: number(run.done), total: number(run.total) })];
  if (run.rate) parts.push(t("run.rate", { rate: number(run.rate, 2) }));
  if (!done && run.seconds_left !== null) parts.push(t("run.left", { time: duration(run.seconds_left) }));
  parts.push(run.throttled ? t("run.throttled", { count: run.throttled }) : t("run.not_throttled"));
  $("run-numbers").textContent = parts.join(" · ");
  const counts = $("run-counts");
  counts.replaceChildren();
  for (const status of config.statuses) {
    const item = el("li", null, { class: "status-" + status, "data-status": status });
    item.append(el("strong", number(run.counts[status] || 0)), " " + t("status." + status));
    counts.append(item);
  }
  const notes = [];
  if (run.sandbox) notes.push(t("run.sandbox"));
  if (!done) notes.push(t("run.keeps_going"));
  $("run-note").textContent = notes.join(" ");
  const downloads = $("downloads");
  downloads.hidden = !done;
  downloads.replaceChildren(downloadLinks(run));
}

async function watch(id) {
  watching = id;
  let polls = 0;
  while (watching === id) {
    let run;
    try {
      run = await api("GET", `/api/runs/${id}`);
    } catch (error) {
      say($("run-state"), error.message, "error");
      if (error.message === t("error.session")) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 4));
      continue;
    }
    if (watching !== id) return;
    showRun(run);
    if (DONE.includes(run.state)) {
      listRuns();
      return;
    }
    if (++polls % 8 === 0) listRuns(); // the list's counts move with the run, less often
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function create() {
  if (!upload) return say($("file-status"), t("file.none"), "error");
  setBusy(true);
  try {
    const run = await api("POST", `/api/runs/${upload.id}/start`, options());
    upload = null; // the sheet now belongs to this run; a new one starts from a new file
    $("file").value = "";
    say($("file-status"), "");
    showRun(run);
    $("step-run").scrollIntoView({ behavior: "smooth", block: "start" });
    listRuns();
    watch(run.id);
  } catch (error) {
    say($("file-status"), error.message, "error");
  }
  setBusy(false);
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
    const when = new Date(run.created).toLocaleString(config.lang === "id" ? "id-ID" : "en-GB");
    const name = el("td");
    const show = el("a", run.name, { href: "#step-run", class: "show" });
    show.addEventListener("click", (event) => {
      event.preventDefault();
      showRun(run);
      watch(run.id);
    });
    name.append(show);
    const counts = config.statuses
      .filter((status) => run.counts[status])
      .map((status) => `${number(run.counts[status])} ${t("status." + status)}`)
      .join(", ");
    const state = el("td", t("state." + run.state) + (counts ? ": " + counts : ""));
    const links = el("td");
    if (DONE.includes(run.state)) links.append(downloadLinks(run));
    row.append(el("td", when), name, state, links);
    body.append(row);
  }
  if (!watching) {
    const active = data.runs.find((run) => !DONE.includes(run.state));
    if (active) {
      showRun(active);
      watch(active.id);
    }
  }
}

// Wiring ---------------------------------------------------------------------------------------

$("file").addEventListener("change", (event) => pick(event.target.files));
$("check").addEventListener("click", check);
$("create").addEventListener("click", create);
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
async function about() {
  try {
    const facts = await api("GET", "/api/about");
    $("endpoint").textContent = facts.endpoint;
    $("credentials").textContent = facts.credentials;
    $("credentials").title = facts.credentials_detail;
  } catch (error) {
    say($("credentials"), error.message, "error");
  }
}

$("password-form").addEventListener("submit", signIn);
$("address-form").addEventListener("submit", openAddress);
if (token) {
  $("signed-in").hidden = false;
  about();
  listRuns();
} else {
  signedOut();
}
