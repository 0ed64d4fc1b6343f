// The HTML pages kpic writes, in a real browser (issue #22).
//
// Debian's Chromium, driven by puppeteer-core, loads each page from disk
// (file://, the network off) at a desktop width (1280x900) and a phone width
// (390x844, deviceScaleFactor 2, touch), and checks:
//   layout     nothing overflows its container or the viewport, no text clipped
//   svg-text   every SVG <text> lies inside its <svg>'s box
//   chart-text the trend charts' texts are drawn at 11 CSS px or more
//   numbers    no visible number in exponent notation or with more digits
//              than its format allows
//   csp        the meta CSP allows no outside resource; the page requested
//              only itself and data: URIs; no CSP violation, no script error
//   axe        axe-core finds no serious or critical violation
//   screenshot the page still looks like its approved PNG (tests/browser/approved/)
//   font       (one more browser, with no CJK font in fontconfig) every run of
//              Chinese text is drawn by the page's embedded web font
//
// usage: node browser_test.mjs --pages MANIFEST.json [--only NAME[,NAME...]] [--update] [--all]
//   MANIFEST: [{"name": "retail", "file": "/abs/path.html"}, ...] (browser_test.sh writes it)
//   --only    run only the pages or page@width cases named (e.g. `retail`, `long@phone`)
//   --update  rewrite the approved screenshots instead of comparing them
//   --all     list every problem of a failing check (else the first 12)
// Environment: CHROMIUM (default /usr/bin/chromium), KPIC_BROWSER_NOCJK_FONTS_CONF
// (a fonts.conf without CJK fonts, for the font check; the check is skipped without it),
// KPIC_BROWSER_ARTIFACTS (a folder for the screenshots that did not match, and their diffs).
// Exit 0 when every check passed, 1 when one failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const manifest = JSON.parse(fs.readFileSync(opt('--pages'), 'utf8'));
const only = opt('--only') ? opt('--only').split(',') : null;
const update = args.includes('--update');
const shown = args.includes('--all') ? Infinity : 12;
const approvedDir = path.join(here, 'approved');
const artifacts = process.env.KPIC_BROWSER_ARTIFACTS;
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

const WIDTHS = {
  desktop: { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  phone: { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const failures = [];
function report(check, where, problems, okText) {
  if (problems.length === 0) {
    console.log(`PASS ${check.padEnd(10)} ${where}: ${okText}`);
    return;
  }
  console.log(`FAIL ${check.padEnd(10)} ${where}: ${problems.length} problem(s)`);
  for (const p of problems.slice(0, shown)) console.log(`       - ${p}`);
  if (problems.length > shown) console.log(`       ... and ${problems.length - shown} more (--all lists them)`);
  failures.push(`${check} ${where} (${problems.length})`);
}

const selected = (page, width) => !only || only.includes(page) || only.includes(`${page}@${width}`);

// ---------------------------------------------------------------------------
// In-page checks. Each function runs inside the page (page.evaluate) and
// returns a list of problems, each a readable string naming the element.

// A short CSS-like path of an element, for the failure messages.
const DESCRIBE = `
function describe(e) {
  if (!e || e.nodeType !== 1) return String(e);
  const parts = [];
  for (let n = e; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
    let s = n.localName;
    if (n.id) s += '#' + n.id;
    else if (n.classList && n.classList.length) s += '.' + [...n.classList].join('.');
    const parent = n.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.localName === n.localName);
      if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(n) + 1) + ')';
    }
    parts.unshift(s);
    if (n.localName === 'body') break;
  }
  return parts.join(' > ');
}
function snippet(t) { t = t.replace(/\\s+/g, ' ').trim(); return JSON.stringify(t.length > 40 ? t.slice(0, 40) + '…' : t); }
// The visible text: every text node with a rendered box (the body of a closed
// <details>, display:none and visibility:hidden text excluded; <title> tooltips, <style>
// and <script> too), with its parent element and line boxes.
function renderedTexts() {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.data.trim()) continue;
    const p = t.parentElement;
    if (!p || p.closest('script, style, title, details:not([open]) > :not(summary)')) continue;
    if (getComputedStyle(p).visibility !== 'visible') continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    if (rects.length) out.push({ t, p, rects });
  }
  return out;
}
`;

// What "overflow" means here, precisely (all horizontal; 1 CSS px of slack
// for subpixel rounding):
//  0. The layout viewport is the device's width: on a phone a page without
//     <meta name="viewport" content="width=device-width"> is laid out 980px
//     wide and shown zoomed out, and its @media (max-width) rules never apply.
//  1. The page itself never scrolls sideways: the document's scrollWidth is
//     at most the viewport's width.
//  2. Every rendered element's border box lies within its parent element's
//     border box, unless the parent is a scroll container for x
//     (overflow-x: auto or scroll): a wide table inside a wrapper with
//     overflow-x:auto (or a table that is itself display:block;
//     overflow-x:auto) may be wider than the wrapper, since the reader
//     scrolls it; the wrapper itself must still fit its own parent.
//     Elements inside an <svg> are left to the svg-text check.
//  3. Every line box of visible text (a Range over a text node) lies within
//     its parent element's border box (long unbreakable words spilling out
//     of a card), again unless that parent scrolls in x.
//  4. No visible text is clipped: none of its line boxes crosses the edge of
//     an ancestor that clips without scrolling (overflow-x hidden or clip),
//     and no element that shows an ellipsis (text-overflow: ellipsis) has
//     more content than fits (scrollWidth > clientWidth).
//  5. No visible text lies outside the viewport, [0, innerWidth], unless it
//     is inside a scroll container for x (reachable by scrolling it).
// Text is "visible" as renderedTexts() says.
function layoutCheck(deviceWidth) {
  const out = [];
  const slack = 1;
  const vw = window.innerWidth;
  if (vw !== deviceWidth) {
    const meta = document.querySelector('meta[name=viewport]');
    out.push(`the layout viewport is ${vw}px wide on a ${deviceWidth}px-wide screen (${meta ? 'meta viewport ' + JSON.stringify(meta.content) : 'no <meta name="viewport" content="width=device-width">'}): the page is shown zoomed out and its @media rules for narrow screens never apply`);
  }
  const se = document.scrollingElement || document.documentElement;
  if (se.scrollWidth > vw + slack) out.push(`the page scrolls sideways: document scrollWidth ${se.scrollWidth}px > viewport ${vw}px`);
  const scrollsX = (e) => { const o = getComputedStyle(e).overflowX; return o === 'auto' || o === 'scroll'; };
  const clipsX = (e) => { const o = getComputedStyle(e).overflowX; return o === 'hidden' || o === 'clip'; };
  const inScroller = (e) => { for (let n = e; n && n !== document.body; n = n.parentElement) if (scrollsX(n)) return true; return false; };
  const seen = new Set();
  const push = (key, msg) => { if (!seen.has(key)) { seen.add(key); out.push(msg); } };
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('svg') && e.localName !== 'svg') continue;
    if (['script', 'style', 'title', 'template'].includes(e.localName)) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const p = e.parentElement;
    if (!p || scrollsX(p)) continue;
    const pr = p.getBoundingClientRect();
    if (r.left < pr.left - slack || r.right > pr.right + slack) {
      push(e, `${describe(e)} [${r.left.toFixed(1)}..${r.right.toFixed(1)}] overflows its parent ${describe(p)} [${pr.left.toFixed(1)}..${pr.right.toFixed(1)}] by ${Math.max(pr.left - r.left, r.right - pr.right).toFixed(1)}px`);
    }
    if (getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + slack) {
      push('ell' + describe(e), `${describe(e)} cuts its text with an ellipsis (${e.scrollWidth}px of content in ${e.clientWidth}px): ${snippet(e.textContent)}`);
    }
  }
  for (const { t, p, rects } of renderedTexts()) {
    if (p.closest('svg')) continue;
    const left = Math.min(...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const pr = p.getBoundingClientRect();
    if (!scrollsX(p) && (left < pr.left - slack || right > pr.right + slack)) {
      push(t, `text ${snippet(t.data)} [${left.toFixed(1)}..${right.toFixed(1)}] spills out of ${describe(p)} [${pr.left.toFixed(1)}..${pr.right.toFixed(1)}]`);
    }
    for (let a = p; a && a !== document.documentElement; a = a.parentElement) {
      if (scrollsX(a)) break;
      if (!clipsX(a)) continue;
      const ar = a.getBoundingClientRect();
      if (left < ar.left - slack || right > ar.right + slack) push('clip' + describe(a) + t.data, `text ${snippet(t.data)} is clipped by ${describe(a)} (overflow hidden): text [${left.toFixed(1)}..${right.toFixed(1)}], box [${ar.left.toFixed(1)}..${ar.right.toFixed(1)}]`);
      break;
    }
    if (!inScroller(p) && (left < -slack || right > vw + slack)) {
      push(t, `text ${snippet(t.data)} in ${describe(p)} lies outside the viewport: [${left.toFixed(1)}..${right.toFixed(1)}] vs [0..${vw}]`);
    }
  }
  return out;
}

// Every SVG <text> inside the box of its outermost <svg> (so chart labels
// neither leave the chart nor get cut by it), in CSS pixels with 0.5px slack,
// and no two shown texts of one chart overlapping by more than 1px each way
// (two axis labels run together read as one: `2026-112026-12`).
function svgTextCheck() {
  const out = [];
  let n = 0;
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement && svg.parentElement.closest('svg')) continue;
    const sr = svg.getBoundingClientRect();
    if (sr.width === 0) continue;
    const shown = [];
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      for (const o of shown) {
        const ox = Math.min(r.right, o.r.right) - Math.max(r.left, o.r.left);
        const oy = Math.min(r.bottom, o.r.bottom) - Math.max(r.top, o.r.top);
        if (ox > 1 && oy > 1 && !t.contains(o.t) && !o.t.contains(t)) {
          out.push(`${describe(svg)} texts ${snippet(o.t.textContent)} and ${snippet(t.textContent)} overlap by ${ox.toFixed(1)}x${oy.toFixed(1)}px ` +
            `[x ${o.r.left.toFixed(1)}..${o.r.right.toFixed(1)}] [x ${r.left.toFixed(1)}..${r.right.toFixed(1)}]`);
        }
      }
      shown.push({ t, r });
      n++;
      const d = Math.max(sr.left - r.left, r.right - sr.right, sr.top - r.top, r.bottom - sr.bottom);
      if (d > 0.5) {
        out.push(`${describe(svg)} text ${snippet(t.textContent)} [x ${r.left.toFixed(1)}..${r.right.toFixed(1)}, y ${r.top.toFixed(1)}..${r.bottom.toFixed(1)}] ` +
          `is ${d.toFixed(1)}px outside the svg [x ${sr.left.toFixed(1)}..${sr.right.toFixed(1)}, y ${sr.top.toFixed(1)}..${sr.bottom.toFixed(1)}]`);
      }
    }
  }
  return { problems: out, count: n };
}

// The texts of the trend charts shown (their aria-label says so) are
// drawn at MIN_CHART_PX CSS px or more: the font size times the scale of
// the SVG's viewBox to its box. On a phone the desktop's drawing, shrunk
// to half, drew them at 8px (review, 2026-12-06): a phone gets a drawing
// of its own.
const MIN_CHART_PX = 11;
function trendTextCheck(min) {
  const out = [];
  let n = 0;
  for (const svg of document.querySelectorAll('svg[aria-label]')) {
    const label = svg.getAttribute('aria-label');
    if (!label.startsWith('trend chart') && !label.startsWith('趋势图')) continue;
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    if (box.width === 0 || !vb || vb.width === 0) continue;
    const scale = box.width / vb.width;
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      n++;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < min - 0.05) {
        out.push(`${describe(svg)} text ${snippet(t.textContent)} is drawn at ${px.toFixed(1)}px`);
        break;  // one per chart
      }
    }
  }
  return { problems: out, count: n };
}

// The visible text, one string per rendered text node (SVG text included).
function visibleTexts() {
  return renderedTexts().map(({ t, p }) => ({ text: t.data, where: describe(p) }));
}

// The meta CSP and where it is: it must come before any style or script to
// apply to them.
function cspInfo() {
  const metas = [...document.querySelectorAll('meta[http-equiv]')].filter((m) => m.httpEquiv.toLowerCase() === 'content-security-policy');
  const first = document.head.querySelector('style, script, link');
  return {
    policies: metas.map((m) => m.content),
    beforeContent: metas.length > 0 && (!first || (metas[0].compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0),
    violations: window.__kpicCspViolations || [],
  };
}

// ---------------------------------------------------------------------------
// Checks in Node on what the page gave.

// Numbers in visible text. A number is a maximal run of digits, commas and
// points that is not part of a word (hashes, identifiers) and has at most one
// point (dates and versions have none or several). Its format is decided by
// its neighbours: a currency sign before it (¥ $ € £, US$) is money, at most 2
// decimals; % or pp or "个百分点" after it is a percentage, at most 2 decimals;
// any other number at most 3 decimals; none has more than 15 significant
// digits (the mark of a float printed in full, 0.30000000000000004).
function numberProblems(texts) {
  const out = [];
  const sci = /(?<![\p{L}\p{N}_.])[-+−]?\d+(?:\.\d+)?[eE][-+−]?\d+(?![\p{L}\p{N}_])/gu;
  const num = /(?<![\p{L}\p{N}_.,])([¥$€£]|US\$|CN¥)?\s?[-−+]?(\d[\d,]*(?:\.\d+)*)(?![\p{L}\p{N}_])(\s?(?:%|pp|pts|个百分点))?/gu;
  for (const { text, where } of texts) {
    for (const m of text.matchAll(sci)) out.push(`exponent notation ${JSON.stringify(m[0])} in ${where}: ${JSON.stringify(text.trim().slice(0, 60))}`);
    for (const m of text.matchAll(num)) {
      const digits = m[2];
      const points = (digits.match(/\./g) || []).length;
      if (points > 1) continue;
      if (/^\d+\.\d+\.$/.test(digits)) continue;
      const decimals = points ? digits.split('.')[1].length : 0;
      const money = !!m[1];
      const pct = !!m[3];
      const max = money ? 2 : pct ? 2 : 3;
      const kind = money ? 'money' : pct ? 'percentage' : 'number';
      if (decimals > max) out.push(`${kind} ${JSON.stringify(m[0].trim())} has ${decimals} decimals (at most ${max}) in ${where}`);
      const sig = digits.replace(/[,.]/g, '').replace(/^0+/, '').length;
      if (sig > 15) out.push(`${kind} ${JSON.stringify(m[0].trim())} has ${sig} significant digits in ${where}`);
    }
  }
  return out;
}

// The policy must be default-src 'none' and name no outside source: every
// source expression is a keyword ('none', 'unsafe-inline' for styles), a
// hash, or the data: scheme. No host, no scheme but data:, no *, no 'self'
// (for a file:// page 'self' would be the reader's disk). Scripts, if any,
// only by hash: script-src 'unsafe-inline' would defeat the hashes.
function cspProblems(info, requests, fileUrl, errors) {
  const out = [];
  if (info.policies.length !== 1) out.push(`expected one <meta http-equiv="Content-Security-Policy">, found ${info.policies.length}`);
  if (info.policies.length && !info.beforeContent) out.push('the CSP <meta> comes after a <style> or <script>, which it then does not govern');
  for (const policy of info.policies) {
    const directives = new Map();
    for (const d of policy.split(';').map((s) => s.trim()).filter(Boolean)) {
      const [name, ...sources] = d.split(/\s+/);
      directives.set(name.toLowerCase(), sources);
    }
    const def = directives.get('default-src');
    if (!def || def.join(' ') !== "'none'") out.push(`default-src is ${def ? def.join(' ') : 'missing'}, not 'none'`);
    for (const [name, sources] of directives) {
      for (const s of sources) {
        const ok = s === "'none'" || s === 'data:' || /^'(sha256|sha384|sha512)-[A-Za-z0-9+/=_-]+'$/.test(s) ||
          (s === "'unsafe-inline'" && name !== 'script-src' && name !== 'default-src');
        if (!ok) out.push(`${name} allows ${s}`);
      }
    }
  }
  for (const url of requests) {
    if (url !== fileUrl && !url.startsWith('data:')) out.push(`the page requested ${url.slice(0, 120)}`);
  }
  for (const v of info.violations) out.push(`CSP violation: ${v}`);
  for (const e of errors) out.push(e);
  return out;
}

// ---------------------------------------------------------------------------
// Screenshots. The page's top (at most 1,600 CSS px tall) is captured and
// shrunk by averaging 4x4 blocks of device pixels (a desktop shot is 320 px
// wide, a phone shot, at deviceScaleFactor 2, 195): small files (the text is
// a blur, the layout is plain), and antialiasing noise averaged away. The comparison: pixelmatch with
// threshold 0.2 (a pixel differs when its colour moves by more than about 20%
// of the YIQ range, and antialiased pixels are ignored), and the shot fails
// when more than 0.5% of its pixels differ or its size changed. The same
// page rendered twice differs by 0 pixels; measured on the retail report
// (desktop / phone): the whole page 1px to the right 0.15% / 0.6%, the
// scorecard's cards 80px wider (white on near-white) 0.23% / 0.44%, the
// tables' font 13px -> 14px and the cards falling onto two rows, 4% to 8%. So antialiasing and subpixel noise pass, a layout break fails.
const SHOT_MAX_CSS_HEIGHT = 1600;
const SHOT_TOLERANCE = 0.005;
// The approved screenshots were taken by one Chromium (approved/chromium.txt):
// another version may draw text a little differently, so a mismatch names both.
let chromiumVersion = '';
let approvedVersion = '';
const chromiumVersionNote = () => (approvedVersion === chromiumVersion ? '' : ` (approved with ${approvedVersion}, this is ${chromiumVersion})`);

function downscale(png, f) {
  const w = Math.floor(png.width / f), h = Math.floor(png.height / f);
  const out = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const acc = [0, 0, 0, 0];
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) {
          const i = ((y * f + dy) * png.width + (x * f + dx)) * 4;
          for (let c = 0; c < 4; c++) acc[c] += png.data[i + c];
        }
      }
      const o = (y * w + x) * 4;
      for (let c = 0; c < 4; c++) out.data[o + c] = Math.round(acc[c] / (f * f));
    }
  }
  return out;
}

async function screenshotCheck(page, name, widthName, vp) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const clipH = Math.min(height, SHOT_MAX_CSS_HEIGHT);
  const buf = await page.screenshot({ clip: { x: 0, y: 0, width: vp.width, height: clipH }, captureBeyondViewport: true });
  const shot = downscale(PNG.sync.read(buf), 4);
  const file = path.join(approvedDir, `${name}@${widthName}.png`);
  const where = `${name}@${widthName}`;
  if (update) {
    fs.mkdirSync(approvedDir, { recursive: true });
    fs.writeFileSync(file, PNG.sync.write(shot, { colorType: 2 }));
    console.log(`UPDATE screenshot ${where}: wrote ${path.relative(process.cwd(), file)} (${shot.width}x${shot.height})`);
    return;
  }
  if (!fs.existsSync(file)) {
    report('screenshot', where, [`no approved screenshot ${file}: run with --update and review it`], '');
    return;
  }
  const approved = PNG.sync.read(fs.readFileSync(file));
  const save = (suffix, png) => {
    if (!artifacts) return '';
    fs.mkdirSync(artifacts, { recursive: true });
    const p = path.join(artifacts, `${where}.${suffix}.png`);
    fs.writeFileSync(p, PNG.sync.write(png));
    return p;
  };
  if (approved.width !== shot.width || approved.height !== shot.height) {
    const saved = save('actual', shot);
    report('screenshot', where, [`size ${shot.width}x${shot.height} differs from the approved ${approved.width}x${approved.height} (the page's height changed)${chromiumVersionNote()}${saved ? '; actual: ' + saved : ''}`], '');
    return;
  }
  const diff = new PNG({ width: shot.width, height: shot.height });
  const n = pixelmatch(approved.data, shot.data, diff.data, shot.width, shot.height, { threshold: 0.2 });
  const frac = n / (shot.width * shot.height);
  if (frac > SHOT_TOLERANCE) {
    const saved = save('actual', shot);
    const savedDiff = save('diff', diff);
    report('screenshot', where, [`${n} pixels differ (${(100 * frac).toFixed(2)}% > ${100 * SHOT_TOLERANCE}%)${chromiumVersionNote()}${saved ? `; actual: ${saved}, diff: ${savedDiff}` : ''}`], '');
  } else {
    report('screenshot', where, [], `matches the approved ${shot.width}x${shot.height} (${n} pixels differ, ${(100 * frac).toFixed(2)}%)`);
  }
}

// ---------------------------------------------------------------------------
// The font check. In a browser whose fontconfig knows no CJK font, each run of
// Chinese characters (Han, CJK punctuation, full-width forms) is wrapped in its
// own <span> (<tspan> in SVG) and CDP's CSS.getPlatformFontsForNode says which
// fonts drew it: every one must be a web font (isCustomFont), the subset the
// page embeds. A system font there is a fallback, and with no CJK font
// installed, a fallback draws boxes (tofu).
async function fontCheck(browser, entry) {
  const page = await browser.newPage();
  await page.setViewport(WIDTHS.desktop);
  await page.goto(entry.url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  const info = await page.evaluate(() => {
    const cjk = /[\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+/g;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const p = t.parentElement;
      if (!p || p.closest('script, style, title')) continue;
      cjk.lastIndex = 0;
      if (cjk.test(t.data)) nodes.push(t);
    }
    let id = 0;
    for (const t of nodes) {
      const svg = t.parentElement.closest('svg');
      const frag = document.createDocumentFragment();
      let last = 0;
      for (const m of t.data.matchAll(cjk)) {
        if (m.index > last) frag.append(t.data.slice(last, m.index));
        const s = svg ? document.createElementNS('http://www.w3.org/2000/svg', 'tspan') : document.createElement('span');
        s.setAttribute('data-kpic-cjk', String(id++));
        s.textContent = m[0];
        frag.append(s);
        last = m.index + m[0].length;
      }
      if (last < t.data.length) frag.append(t.data.slice(last));
      t.replaceWith(frag);
    }
    const faces = [...document.fonts].map((f) => `${f.family} (${f.status})`);
    return { runs: id, faces };
  });
  const cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '[data-kpic-cjk]' });
  const problems = [];
  const fallbacks = new Map();
  let drawn = 0;
  for (const nodeId of nodeIds) {
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    if (fonts.length === 0) continue;  // not rendered (a closed <details>)
    drawn++;
    const system = fonts.filter((f) => !f.isCustomFont);
    if (system.length) {
      const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
      const text = node.children && node.children[0] ? node.children[0].nodeValue : '';
      for (const f of system) {
        const key = f.familyName;
        if (!fallbacks.has(key)) fallbacks.set(key, { glyphs: 0, runs: 0, sample: text });
        const fb = fallbacks.get(key);
        fb.glyphs += f.glyphCount;
        fb.runs++;
      }
    }
  }
  for (const [family, fb] of fallbacks) {
    problems.push(`${fb.glyphs} CJK glyphs in ${fb.runs} runs drawn by the system font "${family}" (a fallback: tofu without CJK fonts), e.g. ${JSON.stringify(fb.sample)}; ` +
      `web fonts in the page: ${info.faces.length ? info.faces.join(', ') : 'none'}`);
  }
  if (info.runs === 0) problems.push('no Chinese text found: the page is not what this check expects');
  report('font', `${entry.name}@desktop`, problems, `${drawn} rendered runs of Chinese text, all drawn by the embedded web font (${info.faces.join(', ')})`);
  await cdp.detach();
  await page.close();
}

// ---------------------------------------------------------------------------

async function launch(env) {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, ...env },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-lcd-text', '--font-render-hinting=none', '--force-color-profile=srgb',
      '--hide-scrollbars'],
  });
}

async function checkPage(browser, entry, widthName) {
  const vp = WIDTHS[widthName];
  const where = `${entry.name}@${widthName}`;
  const page = await browser.newPage();
  await page.setViewport(vp);
  await page.setOfflineMode(true);
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
  await page.evaluateOnNewDocument(() => {
    window.__kpicCspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__kpicCspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  await page.goto(entry.url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(DESCRIBE);  // defines describe(), snippet() and renderedTexts() in the page

  // The layout, SVG and number checks see everything a reader can reveal:
  // every folded <details> is opened first (and closed again after).
  const opened = await page.evaluate(() => {
    const closed = [...document.querySelectorAll('details:not([open])')];
    for (const d of closed) { d.open = true; d.setAttribute('data-kpic-opened', ''); }
    return closed.length;
  });
  const layout = await page.evaluate(layoutCheck, vp.width);
  report('layout', where, layout, `no element or text overflows its container or the viewport (${opened} <details> opened)`);

  const svg = await page.evaluate(svgTextCheck);
  report('svg-text', where, svg.problems, `${svg.count} SVG texts inside their svg`);

  const charts = await page.evaluate(trendTextCheck, MIN_CHART_PX);
  report('chart-text', where, charts.problems, `${charts.count} texts of trend charts drawn at ${MIN_CHART_PX}px or more`);

  const texts = await page.evaluate(visibleTexts);
  report('numbers', where, numberProblems(texts), `${texts.length} visible texts: no exponent notation, no excess digits`);

  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details[data-kpic-opened]')) { d.open = false; d.removeAttribute('data-kpic-opened'); }
  });

  const csp = await page.evaluate(cspInfo);
  report('csp', where, cspProblems(csp, requests, entry.url, errors), `${csp.policies[0]}; ${requests.length} request(s), all the file itself or data:`);

  await page.evaluate(axeSource);
  const violations = await page.evaluate(() =>
    axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      // a node's selector, and for contrast its colours and ratio (axe's check data)
      nodes: v.nodes.map((n) => {
        const d = [...n.any, ...n.all, ...n.none].map((c) => c.data).find((x) => x && x.contrastRatio);
        return n.target.join(' ') + (d ? ` (${d.fgColor} on ${d.bgColor}, ${d.contrastRatio}:1, needs ${d.expectedContrastRatio})` : '');
      }),
    }))));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !bad.includes(v)).map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
  report('axe', where, bad.map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.length} node(s): ${v.nodes.slice(0, shown === Infinity ? undefined : 4).join(' | ')}${v.nodes.length > 4 && shown !== Infinity ? ' | ...' : ''}`),
    `no serious or critical violation${minor.length ? ` (lesser: ${minor.join(', ')})` : ''}`);

  // The screenshot last: the page is back to its first state (axe adds nothing visible).
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshotCheck(page, entry.name, widthName, vp);
  await page.close();
}

const t0 = Date.now();
const entries = manifest.map((e) => ({ ...e, url: 'file://' + path.resolve(e.file) }));
if (only) {
  const known = entries.flatMap((e) => [e.name, ...Object.keys(WIDTHS).map((w) => `${e.name}@${w}`)]);
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length) {
    console.log(`--only: no page ${unknown.join(', ')}; the pages: ${entries.map((e) => e.name).join(', ')} (NAME or NAME@${Object.keys(WIDTHS).join('|')})`);
    process.exit(2);
  }
}
const browser = await launch({});
chromiumVersion = await browser.version();
const versionFile = path.join(approvedDir, 'chromium.txt');
if (update) {
  fs.mkdirSync(approvedDir, { recursive: true });
  fs.writeFileSync(versionFile, chromiumVersion + '\n');
}
approvedVersion = fs.existsSync(versionFile) ? fs.readFileSync(versionFile, 'utf8').trim() : 'unknown';
try {
  for (const entry of entries) {
    for (const widthName of Object.keys(WIDTHS)) {
      if (selected(entry.name, widthName)) await checkPage(browser, entry, widthName);
    }
  }
} finally {
  await browser.close();
}

const noCjk = process.env.KPIC_BROWSER_NOCJK_FONTS_CONF;
if (update) {
  // the font check has nothing to approve
} else if (!noCjk) {
  console.log('SKIP font: KPIC_BROWSER_NOCJK_FONTS_CONF is not set');
} else {
  const plain = await launch({ FONTCONFIG_FILE: noCjk });
  try {
    for (const entry of entries) if (selected(entry.name, 'desktop')) await fontCheck(plain, entry);
  } finally {
    await plain.close();
  }
}

console.log(`\n${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failures.length) {
  console.log(`${failures.length} check(s) failed:`);
  for (const f of failures) console.log(`  ${f}`);
  process.exit(1);
}
console.log('all browser checks passed');
