// Drives headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: requests on the browser's
// fd 3, answers on its fd 4, each JSON message ended by a NUL byte). Loads the page of `qingliu serve` on a copy of
// the Leshan case, switches a measure on and closes an outfall through the page, saves the selection as a scenario
// through the page, and checks that every section's class shown equals the class `qingliu compare` gives for that
// saved scenario. Writes a screenshot (serve.png) into the work folder.
//   node browser_test.mjs QINGLIU_BINARY SOURCE_DIR WORK_DIR CHROMIUM
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const [qingliu, source, work, chromium] = process.argv.slice(2);
const MEASURE = "manure90";  // manure utilisation 75 -> 90 % (an inventory measure: a full solve)
const OUTFALL = "OF-MX2";     // Jinshan town outfall: closed (a full solve: its water is removed)
const SCENARIO = "browser_check";
const children = [];
let failed = false;
function fail(msg) { console.error("FAIL: " + msg); failed = true; }
function done(code) {
  for (const c of children) { try { c.kill("SIGTERM"); } catch (e) { /* already gone */ } }
  process.exit(code);
}
setTimeout(() => { console.error("FAIL: timed out"); done(1); }, 150000).unref();

// ---------------------------------------------------------------- the server, on a copy of the case
const caseDir = path.join(work, "case");
fs.cpSync(path.join(source, "data/cases/leshan"), caseDir, { recursive: true });
const token = "browser-" + process.pid;
const server = spawn(qingliu, ["-q", "serve", caseDir, "--port", "0", "--token", token], { stdio: ["ignore", "pipe", "inherit"] });
children.push(server);
const url = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/open (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
    if (m) resolve(m[1]);
  });
  server.on("exit", (c) => reject(new Error("qingliu serve exited with " + c + ": " + out)));
});
console.log("server at " + url.replace(token, "<token>"));

// ---------------------------------------------------------------- the browser
const browser = spawn(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--remote-debugging-pipe",
  "--no-first-run", "--user-data-dir=" + path.join(work, "profile"), "about:blank"], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
children.push(browser);
const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];
let nextId = 1;
const waiting = new Map();
let buffer = "";
fromBrowser.on("data", (chunk) => {
  buffer += chunk.toString("utf8");
  let i;
  while ((i = buffer.indexOf("\0")) >= 0) {
    const msg = JSON.parse(buffer.slice(0, i));
    buffer = buffer.slice(i + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  toBrowser.write(JSON.stringify(msg) + "\0");
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const page = (method, params) => send(method, params, sessionId);
async function js(expression) {
  const r = await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error("page script: " + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(expression, what, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    if (await js(expression)) return;
    if (Date.now() - t0 > ms) throw new Error("waited " + ms + " ms for " + what);
    await sleep(50);
  }
}
const idle = "document.body.dataset.busy !== '1'";

await page("Emulation.setDeviceMetricsOverride", { width: 1440, height: 1700, deviceScaleFactor: 1, mobile: false });
await page("Page.enable");
await page("Page.navigate", { url });
await until("document.body && document.body.dataset.ready === '1'", "the page to load the case");
const readTable = `[...document.querySelectorAll('#sections tbody tr')].map(tr => [tr.dataset.section, Number(tr.dataset.class)])`;
const before = await js(readTable);
if (!before.length) fail("no section rows on the page");

// switch the measure on, close the outfall (through the popup the map offers)
// the measure: manure utilisation if it changes a class, else the first measure of the page that does
const classesNow = async () => JSON.stringify((await js(readTable)).map((r) => r[1]));
const baseClasses = await classesNow();
const measures = [MEASURE].concat((await js(`[...document.querySelectorAll('input[data-measure]')].map(e => e.dataset.measure)`)).filter((m) => m !== MEASURE));
let chosen = "";
for (const m of measures) {
  await js(`document.querySelector('input[data-measure="${m}"]').click()`);
  await until(idle, "the evaluation after the measure " + m);
  if ((await classesNow()) !== baseClasses) { chosen = m; break; }
  await js(`document.querySelector('input[data-measure="${m}"]').click()`);
  await until(idle, "the evaluation after switching " + m + " off");
}
if (!chosen) fail("no single measure of the case changes a section's class");
console.log("measure switched on: " + chosen);
const latency = [await js("document.body.dataset.latencyMs")];
await js(`(() => { const c = document.querySelector('circle[data-source="${OUTFALL}"]');
  c.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 300, clientY: 200}));
  document.querySelector('#popup button[data-action="close"]').click(); })()`);
await sleep(100);
await until(idle, "the evaluation after the outfall");
latency.push(await js("document.body.dataset.latencyMs"));
console.log("change -> table redrawn in the page: measure " + latency[0] + " ms, outfall " + latency[1] + " ms (target 100 ms)");
const action = await js(`document.querySelector('select[data-outfall="${OUTFALL}"]').value`);
if (action !== "close") fail("the outfall's action on the page is " + action + ", expected close");
const shown = await js(readTable);
const roman = await js(`[...document.querySelectorAll('#sections tbody tr')].map(tr => tr.children[3].textContent)`);
console.log("page classes: " + shown.map(([id, c], i) => id + "=" + roman[i]).join(" "));

// save the selection through the page
await js(`document.getElementById('save-id').value = '${SCENARIO}'; document.getElementById('save').click()`);
await until(`document.getElementById('save-msg').dataset.saved === '${SCENARIO}'`, "the scenario to be saved");

// screenshot of the page as a user sees it
const shot = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: false });
fs.writeFileSync(path.join(work, "serve.png"), Buffer.from(shot.data, "base64"));
const errors = await js("document.body.dataset.errors");
if (errors !== "0") fail("script errors on the page: " + errors);

// `qingliu compare` on the saved scenario
const cmp = spawnSync(qingliu, ["--store", path.join(work, "runs.sqlite"), "-q", "compare", caseDir, "-s", SCENARIO, "--out", path.join(work, "cmp")], { encoding: "utf8" });
if (cmp.status !== 0) fail("qingliu compare failed: " + cmp.stdout + cmp.stderr);
else {
  const lines = fs.readFileSync(path.join(work, "cmp", "compare.csv"), "utf8").replace(/^\uFEFF/, "").trim().split("\n");
  const head = lines[0].split(",");
  const col = (n) => head.indexOf(n);
  const cls = new Map();
  for (const l of lines.slice(1)) {
    const f = l.split(",");  // ids and classes carry no commas in this case
    if (f[col("scenario")] === SCENARIO) cls.set(f[col("section_id")], f[col("class")]);
  }
  const ROMAN = ["", "I", "II", "III", "IV", "V", "劣V"];
  let compared = 0, changed = 0;
  shown.forEach(([id, c], i) => {
    if (!cls.has(id)) { fail("section " + id + " not in compare.csv"); return; }
    if (ROMAN[c] !== cls.get(id) || roman[i] !== cls.get(id)) fail("section " + id + ": page shows " + roman[i] + ", compare gives " + cls.get(id));
    compared++;
    if (c !== before[i][1]) changed++;
  });
  if (compared !== cls.size) fail("page shows " + compared + " sections, compare " + cls.size);
  // the selection must change something for the comparison to mean anything
  const scenarioToml = fs.readFileSync(path.join(caseDir, "scenarios.toml"), "utf8");
  if (!scenarioToml.includes(`id = "${SCENARIO}"`)) fail("scenario not in scenarios.toml");
  if (changed < 1) fail("no section changed class: the selection does not test the update");
  console.log(`${compared} sections: page = qingliu compare; ${changed} changed class from the baseline`);
}
done(failed ? 1 : 0);
