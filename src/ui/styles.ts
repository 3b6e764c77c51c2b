// The one inline stylesheet and the one inline script (copy buttons) of every page.

export const STYLES = `
:root{--fg:#1f1f24;--muted:#53535f;--line:#d4d4dc;--bg:#fff;--soft:#f4f4f7;--link:#1646b8;--accent:#5b2fc9;--danger:#a4161a;--ok:#1b6b2f;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #f2a20c;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.top{background:#24202f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top a{color:#fff}
header.top .brand{font-weight:700;font-size:1.15rem;text-decoration:none}
header.top nav{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header.top form{margin:0}
header.top button{background:transparent;color:#fff;border:1px solid #bbb;padding:.25rem .7rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
.crumbs{font-size:.9rem;color:var(--muted);margin-top:.5rem}
.crumbs ol{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap}
.crumbs li+li::before{content:"/";padding:0 .4rem}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;background:var(--soft);padding:.75rem;border-radius:6px;margin-bottom:1rem}
form.filters div{display:flex;flex-direction:column;min-width:9rem}
form.filters div.grow{flex:1 1 14rem}
label{font-weight:600;font-size:.9rem}
input,select,button{font:inherit;padding:.4rem .6rem;border:1px solid #8a8a96;border-radius:4px;background:#fff;color:var(--fg)}
button{cursor:pointer;background:var(--accent);color:#fff;border-color:var(--accent)}
button.secondary{background:#fff;color:var(--fg);border-color:#8a8a96}
button.danger{background:#fff;color:var(--danger);border-color:var(--danger)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
td code{overflow-wrap:anywhere}
td code.nowrap{white-space:nowrap;overflow-wrap:normal}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;background:#e6e1f7;color:#3b2480;font-size:.8rem;font-weight:600}
.badge.warn{background:#fbe7c6;color:#6a3d00}
.muted{color:var(--muted)}
.pager{display:flex;gap:.75rem;align-items:center;justify-content:space-between;flex-wrap:wrap;margin:1rem 0}
.pager ul{list-style:none;display:flex;gap:.5rem;padding:0;margin:0}
.notice{padding:.6rem .9rem;border-radius:6px;border:1px solid;margin:1rem 0}
.notice.ok{background:#e8f5ec;border-color:#8cc49b;color:var(--ok)}
.notice.error{background:#fdecec;border-color:#e39a9c;color:var(--danger)}
.notice.info{background:#eef2fd;border-color:#9fb3ea}
.grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:1.5rem}
@media (max-width:48rem){.grid{grid-template-columns:minmax(0,1fr)}th.opt,td.opt{display:none}}
.snippet{margin:.5rem 0 1rem}
.snippet-head{display:flex;justify-content:space-between;align-items:center;gap:.5rem}
.snippet pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.75rem;overflow-x:auto;margin:.25rem 0 0;white-space:pre}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
legend{font-weight:600;padding:0 .3rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.choice label{font-weight:400}
.stack{display:flex;flex-direction:column;gap:.3rem;margin-bottom:.75rem;max-width:28rem}
.inline{display:inline}
.token{font-size:1rem;background:#fff;border:1px dashed var(--ok);padding:.3rem .5rem;display:inline-block;overflow-wrap:anywhere}
.card{max-width:24rem;margin:2rem auto;border:1px solid var(--line);border-radius:8px;padding:1.25rem 1.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** Copy buttons are hidden until this script shows them, so no dead button appears without JavaScript. */
export const COPY_SCRIPT = `
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var text = source ? source.textContent : "";
    var status = document.getElementById("copy-status");
    function done(ok) {
      var label = button.textContent;
      button.textContent = ok ? "Copied" : "Copy failed";
      if (status) status.textContent = ok ? "Copied to the clipboard" : "Could not copy; select the text instead";
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) {}
      area.remove(); done(ok);
    }
  });
});
`;
