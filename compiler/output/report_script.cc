#include "output/report_script.h"

namespace kpic::output {

namespace {

// Plain ES2017, no library; it must not contain a closing tag's `</`
// (InlineScript refuses it). Everything it adds has class `ui`, which the
// print stylesheet hides.
constexpr std::string_view kScript = R"JS(
(function () {
  'use strict';
  // The page's language (<html lang>): the script's own words follow it.
  var zh = (document.documentElement.lang || '').indexOf('zh') === 0;
  function T(en, cn) { return zh ? cn : en; }
  var d = document;
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // A cell's sort key: its exact value (data-v) as a number, else its text;
  // null for an empty cell or a dash, which sorts last either way.
  function key(td) {
    if (!td) return null;
    var v = td.getAttribute('data-v');
    if (v !== null && v !== '') {
      var n = Number(v);
      if (isFinite(n)) return n;
    }
    var t = td.textContent.trim();
    return t === '' || t === '\u2014' || t === '-' ? null : t;
  }
  function order(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
    return a.localeCompare(b, undefined, {numeric: true});
  }
  function sortable(table) {
    var head = table.rows[0];
    if (!head || table.rows.length < 3) return;
    var ths = head.cells;
    Array.prototype.forEach.call(ths, function (th, col) {
      if (th.tagName !== 'TH') return;
      var b = el('button', 'sortb');
      b.type = 'button';
      while (th.firstChild) b.appendChild(th.firstChild);
      b.appendChild(el('span', 'ui arrow'));
      th.appendChild(b);
      th.setAttribute('aria-sort', 'none');
      b.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        Array.prototype.forEach.call(ths, function (x) { if (x.hasAttribute('aria-sort')) x.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', dir);
        var rows = [], fixed = [];
        for (var r = 1; r < table.rows.length; r++) {
          var tr = table.rows[r];
          (tr.classList.contains('total') ? fixed : rows).push(tr);
        }
        var at = new Map();
        rows.forEach(function (tr, i) { at.set(tr, i); });
        rows.sort(function (x, y) {
          var a = key(x.cells[col]), c = key(y.cells[col]);
          if (a === null || c === null) return a === c ? at.get(x) - at.get(y) : a === null ? 1 : -1;
          var s = order(a, c);
          return s !== 0 ? (dir === 'ascending' ? s : -s) : at.get(x) - at.get(y);
        });
        rows.concat(fixed).forEach(function (tr) { tr.parentNode.appendChild(tr); });
      });
    });
  }

  // ---- period range per goal ----
  var range = {};
  function applyRange(goal) {
    var r = range[goal];
    if (!r) return;
    d.querySelectorAll('table[data-periods="' + goal + '"] tr[data-p]').forEach(function (tr) {
      var i = Number(tr.getAttribute('data-p'));
      tr.hidden = i < r.lo || i > r.hi;
    });
  }
  function rangeBar(table) {
    var goal = table.getAttribute('data-periods');
    var rows = table.querySelectorAll('tr[data-p]');
    if (rows.length < 2 || range[goal]) return;
    var labels = [];
    rows.forEach(function (tr) { labels[Number(tr.getAttribute('data-p'))] = tr.cells[0].textContent.trim().split(' ')[0]; });
    range[goal] = {lo: 0, hi: labels.length - 1};
    var bar = el('div', 'ui range');
    bar.appendChild(el('span', null, T('periods shown: ', '\u663e\u793a\u671f\u95f4\uff1a')));
    function pick(which, text) {
      var lab = el('label', null, text + ' ');
      var s = el('select');
      labels.forEach(function (l, i) {
        var o = el('option', null, l);
        o.value = String(i);
        s.appendChild(o);
      });
      s.value = String(range[goal][which]);
      s.addEventListener('change', function () {
        range[goal][which] = Number(s.value);
        if (range[goal].lo > range[goal].hi) {
          range[goal][which === 'lo' ? 'hi' : 'lo'] = Number(s.value);
          bar.querySelectorAll('select')[which === 'lo' ? 1 : 0].value = s.value;
        }
        applyRange(goal);
      });
      lab.appendChild(s);
      bar.appendChild(lab);
    }
    pick('lo', T('from', '\u81ea'));
    pick('hi', T('to', '\u81f3'));
    table.parentNode.insertBefore(bar, table);
  }

  // ---- drill-through ----
  var data = {};
  var src = d.getElementById('kpic-members');
  if (src) {
    try { data = JSON.parse(src.textContent); } catch (e) { data = {}; }
  }
  function cell(tr, text, raw, left) {
    var td = el('td', left ? 'l' : null, text);
    if (raw != null) td.setAttribute('data-v', raw);
    tr.appendChild(td);
    return td;
  }
  function headRow(t, names) {
    var tr = el('tr');
    names.forEach(function (n, i) { tr.appendChild(el('th', i === 0 ? 'l' : null, n)); });
    t.appendChild(tr);
  }
  function panel(m, id, close) {
    var p = el('section', 'mpanel');
    p.setAttribute('data-for', id);
    var h = el('h4', null, m.title);
    h.tabIndex = -1;
    var x = el('button', 'ui close', T('close', '\u5173\u95ed'));
    x.type = 'button';
    x.addEventListener('click', close);
    h.appendChild(x);
    p.appendChild(h);
    p.appendChild(el('p', 'sub', m.note));
    if (m.chart) {
      var c = el('div');
      c.innerHTML = m.chart;
      p.appendChild(c);
    }
    var t = el('table');
    t.setAttribute('data-periods', m.goal);
    headRow(t, [T('period', '\u671f\u95f4'), T('value', '\u5b9e\u9645'), T('target', '\u76ee\u6807'), T('attainment', '\u8fbe\u6210\u7387'), T('status', '\u72b6\u6001')]);
    m.periods.forEach(function (q, i) {
      var tr = el('tr');
      tr.setAttribute('data-p', String(i));
      cell(tr, q.p, null, true);
      cell(tr, q.vs, q.v);
      cell(tr, q.ts, q.t);
      cell(tr, q.as, q.a);
      var st = cell(tr, '', null, true);
      st.appendChild(el('span', 'status ' + q.s, q.sw || q.s));
      t.appendChild(tr);
    });
    p.appendChild(el('h5', null, T('Trend', '\u8d8b\u52bf')));
    p.appendChild(t);
    sortable(t);
    applyRange(m.goal);
    if (m.compare && m.compare.length) {
      p.appendChild(el('h5', null, m.compared));
      var k = el('table');
      headRow(k, ['', T('value', '\u503c')]);
      m.compare.forEach(function (row) {
        var tr = el('tr');
        cell(tr, row[0], null, true);
        cell(tr, row[1], row[2]);
        k.appendChild(tr);
      });
      p.appendChild(k);
    }
    (m.decompositions || []).forEach(function (dc) {
      p.appendChild(el('h5', null, dc.title));
      var w = el('table');
      headRow(w, dc.head);
      dc.rows.forEach(function (row, i) {
        var tr = el('tr', i === dc.rows.length - 1 ? 'total' : null);
        cell(tr, row[0], null, true);
        cell(tr, row[1]);
        cell(tr, row[2]);
        cell(tr, row[3], row[4]);
        w.appendChild(tr);
      });
      p.appendChild(w);
    });
    p.appendChild(el('h5', null, T('Alerts', '\u9884\u8b66')));
    if (!m.alerts.length) p.appendChild(el('p', 'sub', T('no alert fired for this member', '\u8be5\u6210\u5458\u65e0\u9884\u8b66')));
    m.alerts.forEach(function (a) {
      var div = el('div', 'alert ' + a.sev);
      div.appendChild(el('span', 'rule', '[' + (a.sw || a.sev) + '] ' + a.name));
      div.appendChild(d.createTextNode(' \u00b7 ' + a.p + ' \u00b7 '));
      div.appendChild(el('b', null, a.vs));
      p.appendChild(div);
    });
    return p;
  }
  function memberButtons() {
    d.querySelectorAll('td[data-m]').forEach(function (td) {
      var id = td.getAttribute('data-m');
      if (!data[id]) return;
      var b = el('button', 'member');
      b.type = 'button';
      while (td.firstChild) b.appendChild(td.firstChild);
      b.setAttribute('aria-expanded', 'false');
      b.title = T('open this member\u2019s own trend, targets and alerts', '\u67e5\u770b\u8be5\u6210\u5458\u81ea\u5df1\u7684\u8d8b\u52bf\u3001\u76ee\u6807\u4e0e\u9884\u8b66');
      td.appendChild(b);
      b.addEventListener('click', function () {
        var table = td.closest('table');
        var next = table.nextElementSibling;
        table.querySelectorAll('button.member').forEach(function (x) { x.setAttribute('aria-expanded', 'false'); });
        if (next && next.classList.contains('mpanel')) {
          next.remove();
          if (next.getAttribute('data-for') === id) return;
        }
        var p = panel(data[id], id, function () {
          p.remove();
          b.setAttribute('aria-expanded', 'false');
          b.focus();
        });
        table.parentNode.insertBefore(p, table.nextSibling);
        b.setAttribute('aria-expanded', 'true');
        p.querySelector('h4').focus();
      });
    });
  }

  // ---- printing: every folded part open, as it was after ----
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(d.querySelectorAll('details'), function (x) { return !x.open; });
    closed.forEach(function (x) { x.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closed.forEach(function (x) { x.open = false; });
    closed = [];
  });

  d.querySelectorAll('table[data-periods]').forEach(rangeBar);
  d.querySelectorAll('table').forEach(sortable);
  memberButtons();
  d.documentElement.classList.add('js');
})();
)JS";

constexpr std::string_view kStyle = R"CSS(
th button.sortb{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer;text-align:inherit}
th button.sortb:focus-visible,td button.member:focus-visible,.mpanel button:focus-visible{outline:2px solid #1c7ed6;outline-offset:2px}
th .arrow::after{content:"↕";color:#9aa5b1;margin-left:3px;font-size:11px}
th[aria-sort=ascending] .arrow::after{content:"▲";color:#1f2933}th[aria-sort=descending] .arrow::after{content:"▼";color:#1f2933}
td button.member{font:inherit;color:#1864ab;background:none;border:0;padding:0;cursor:pointer;text-align:left;text-decoration:underline dotted}
td button.member[aria-expanded=true]{font-weight:600;text-decoration:underline}
.mpanel{background:#fff;border:1px solid #d0d7de;border-left:4px solid #1c7ed6;border-radius:6px;padding:8px 14px;margin:8px 0 12px;max-width:960px}
.mpanel h4{margin:4px 0;font-size:14px}.mpanel h4:focus{outline:none}.mpanel h5{margin:10px 0 4px;font-size:12px;color:#52606d}
.mpanel button.close{float:right;font:inherit;font-size:12px;font-weight:400;background:#f0f2f5;border:1px solid #d0d7de;border-radius:4px;padding:1px 8px;cursor:pointer}
.range{font-size:12px;color:#52606d;margin:6px 0 2px}.range label{margin-right:10px}.range select{font:inherit;margin-left:4px}
@media print{
@page{size:A4;margin:14mm 12mm}
body{background:#fff;margin:0;color:#000;font-size:11px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.ui,.range,button.close{display:none!important}
.mpanel{border:1px solid #52606d;break-inside:avoid}
th button.sortb,td button.member{color:inherit;text-decoration:none;font-weight:inherit}
details::details-content{content-visibility:visible;display:contents}details>summary{list-style:none}
.card{box-shadow:none;border:1px solid #9aa5b1;border-left-width:6px}
.card.met{border-left-style:solid}.card.at_risk{border-left-style:dashed}.card.missed{border-left-style:double}
.status{color:#000;background:none!important;border:1px solid #52606d;padding:0 5px}
.status.missed,.status.at_risk{font-weight:700}
table{font-size:10px}th,td{padding:2px 6px;border-bottom:1px solid #9aa5b1}th{background:#eee}
tr,.card,.alert,svg,.legend{break-inside:avoid}
table{break-inside:avoid}
h2,h3{break-after:avoid}h2{font-size:15px;margin-top:16px}h3{font-size:12px;color:#000}
svg{max-width:17cm}svg text{fill:#000}
.alert{border:0;border-left:3px solid #52606d;background:#fff!important;color:#000;padding:0 6px;margin:1px 0;font-size:10px}
.sub,.legend,.count{font-size:9px;color:#333}.card .s{font-size:10px;color:#333}
.alert.critical{border-left:5px double #000;font-weight:600}
.who{box-shadow:none;border:1px solid #9aa5b1}.digest{margin:4px 0 8px}.digest summary{color:#000}
table:has(+svg),h3+p,p:has(+table){break-after:avoid}
footer #kpic-stamp{display:none}
}
)CSS";

}  // namespace

std::string_view ReportScript() { return kScript.substr(1); }
std::string_view ReportStyle() { return kStyle.substr(1); }

}  // namespace kpic::output
