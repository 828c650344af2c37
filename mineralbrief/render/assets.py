"""The review page's stylesheet and script, and the Content-Security-Policy that pins them.

Both are inline (the page is one file, read with no network). Every rule is scoped under
``.mb-brief`` or ``.mb-day``, so the stylesheet can be embedded in a notebook without restyling
the notebook. The script is the only one the page may run: the policy allows exactly its
SHA-256 and nothing else, so even a missed escape could not run a script or load an image.
"""

from __future__ import annotations

import base64
import hashlib

# what a whole page adds around the fragments (kept out of notebooks)
PAGE_CSS = """
body{margin:0;background:#f6f7f9;}
.mb-page{margin:0 auto;max-width:1500px;padding:16px 20px;}
""".strip()

CSS = """
.mb-brief,.mb-day{color:#1d2330;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;}
.mb-brief{background:#fff;border:1px solid #d9dde5;border-radius:8px;margin:0 0 24px;padding:16px 20px;}
.mb-brief.mb-two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;align-items:start;}
.mb-brief h1,.mb-brief h2.mb-headline{font-size:1.35em;line-height:1.25;margin:0 0 6px;}
.mb-brief h3{font-size:.8em;letter-spacing:.06em;text-transform:uppercase;color:#5b6473;margin:18px 0 6px;}
.mb-brief ul,.mb-brief ol{margin:0;padding-left:1.3em;}
.mb-brief li{margin:3px 0;}
.mb-brief .mb-meta{color:#5b6473;font-size:.85em;margin:0 0 8px;}
.mb-brief a,.mb-day a{color:#1f5fbf;}
.mb-brief .mb-chip{display:inline-block;border:1px solid #cfd5df;border-radius:12px;padding:0 8px;margin:2px 3px 2px 0;
  font-size:.9em;background:#fafbfc;}
.mb-brief [data-ev]{cursor:pointer;border-radius:4px;outline-offset:2px;}
.mb-brief [data-ev]:hover{background:#eef3fb;}
.mb-brief [data-ev]:focus-visible{outline:2px solid #1f5fbf;}
.mb-brief .mb-deal{border-left:3px solid #1f5fbf;padding:2px 0 2px 10px;margin:8px 0;list-style:none;}
.mb-brief .mb-deals{padding-left:0;}
.mb-brief .mb-on{background:#fff1b8;box-shadow:0 0 0 2px #f0c419;}
.mb-brief .mb-flag{display:inline-block;background:#b42318;color:#fff;border-radius:3px;font-size:.72em;font-weight:600;
  padding:0 5px;margin-left:5px;vertical-align:1px;text-transform:uppercase;letter-spacing:.04em;}
.mb-brief .mb-unverified{text-decoration:underline wavy #b42318;text-underline-offset:3px;}
.mb-brief .mb-warn{background:#fef3f2;border:1px solid #f3b8b2;border-radius:6px;padding:8px 12px;margin:8px 0;}
.mb-brief .mb-note{background:#eff8ff;border:1px solid #b2ddff;border-radius:6px;padding:6px 12px;margin:8px 0;}
.mb-brief .mb-quote{margin:4px 0 6px;padding:2px 10px;border-left:3px solid #cfd5df;color:#3d4554;font-size:.92em;}
.mb-brief .mb-quote.mb-bad{border-left-color:#b42318;}
.mb-brief .mb-why{color:#5b6473;font-size:.9em;}
.mb-brief .mb-bottom{font-weight:600;}
.mb-brief .mb-article{position:sticky;top:0;max-height:calc(100vh - 40px);overflow-y:auto;white-space:pre-wrap;
  overflow-wrap:anywhere;font:14px/1.6 Georgia,"Times New Roman",serif;background:#fcfcfd;border:1px solid #e3e6ec;
  border-radius:6px;padding:12px 16px;}
.mb-brief .mb-seg{background:#eef3fb;border-bottom:1px solid #c3d3ee;cursor:pointer;}
.mb-brief .mb-seg[data-s*=" "]{background:#e1eaf8;}
.mb-brief .mb-seg.mb-suspect{background:#fde7e5;border-bottom:1px dashed #b42318;}
.mb-brief .mb-seg.mb-hl{background:#ffe066;border-bottom-color:#d9a400;}
.mb-day .mb-summary{background:#fff;border:1px solid #d9dde5;border-radius:8px;margin:0 0 24px;padding:16px 20px;}
.mb-day h1{font-size:1.6em;margin:0 0 6px;}
.mb-day h2.mb-section{font-size:1.05em;margin:18px 0 8px;}
.mb-day table{border-collapse:collapse;width:100%;font-size:.92em;}
.mb-day th,.mb-day td{border-top:1px solid #e3e6ec;padding:6px 8px;text-align:left;vertical-align:top;}
.mb-day th{color:#5b6473;font-weight:600;font-size:.85em;}
.mb-day td ol{margin:0;padding-left:1.2em;}
.mb-day .mb-tag{display:inline-block;border-radius:3px;font-size:.75em;font-weight:600;padding:0 5px;margin-left:4px;
  background:#dcfae6;color:#085d3a;text-transform:uppercase;}
.mb-day .mb-flag{display:inline-block;background:#b42318;color:#fff;border-radius:3px;font-size:.72em;font-weight:600;
  padding:0 5px;margin-left:5px;text-transform:uppercase;}
.mb-day .mb-count{color:#5b6473;font-size:.85em;}
.mb-day .mb-chips span{display:inline-block;border:1px solid #cfd5df;border-radius:12px;padding:0 8px;
  margin:2px 4px 2px 0;font-size:.9em;background:#fafbfc;}
@media (max-width:900px){.mb-brief.mb-two{grid-template-columns:minmax(0,1fr);}
  .mb-brief .mb-article{position:static;max-height:none;}}
""".strip()

JS = """
(function () {
  "use strict";
  function words(el, name) { return (el.getAttribute(name) || "").split(" ").filter(Boolean); }
  function clear(root) {
    root.querySelectorAll(".mb-hl, .mb-on").forEach(function (el) { el.classList.remove("mb-hl", "mb-on"); });
  }
  function showItem(item) {
    var root = item.closest(".mb-brief");
    if (!root) { return; }
    clear(root);
    item.classList.add("mb-on");
    var ids = words(item, "data-ev"), first = null;
    root.querySelectorAll(".mb-seg").forEach(function (seg) {
      if (words(seg, "data-s").some(function (id) { return ids.indexOf(id) >= 0; })) {
        seg.classList.add("mb-hl");
        first = first || seg;
      }
    });
    if (first) { first.scrollIntoView({block: "center"}); }
  }
  function showSeg(seg) {
    var root = seg.closest(".mb-brief");
    if (!root) { return; }
    clear(root);
    var ids = words(seg, "data-s"), first = null;
    root.querySelectorAll("[data-ev]").forEach(function (item) {
      if (words(item, "data-ev").some(function (id) { return ids.indexOf(id) >= 0; })) {
        item.classList.add("mb-on");
        first = first || item;
      }
    });
    seg.classList.add("mb-hl");
    if (first) { first.scrollIntoView({block: "nearest"}); }
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element) || t.closest("a")) { return; }
    var item = t.closest("[data-ev]");
    if (item) { showItem(item); return; }
    var seg = t.closest(".mb-seg");
    if (seg) { showSeg(seg); }
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === "Enter" || ev.key === " ") && t instanceof Element && t.matches("[data-ev]")) {
      ev.preventDefault();
      showItem(t);
    }
  });
}());
""".strip()


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


PAGE_STYLE = PAGE_CSS + "\n" + CSS
CSP = (f"default-src 'none'; style-src {_sha256(PAGE_STYLE)}; script-src {_sha256(JS)}; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")
