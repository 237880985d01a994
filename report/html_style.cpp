// The page's stylesheet and scripts (the print stylesheet and chart script: html_tools.cpp).
#include "report/html_page.hpp"

namespace qingliu::report::html {

const char* kCss = R"CSS(
:root{--ink:#1d2630;--muted:#5b6570;--line:#d5dbe1;--head:#0d4a7a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;color:var(--ink);background:#f4f6f8}
.lang-zh .en,.lang-en .zh{display:none}
header{background:var(--head);color:#fff;padding:18px 28px 14px}
header h1{margin:0;font-size:22px;font-weight:600}
header .sub{opacity:.85;margin-top:4px}
.bar{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.bar button{border:1px solid var(--line);background:#fff;border-radius:4px;padding:3px 10px;cursor:pointer;font:inherit}
.bar button.active{background:var(--head);color:#fff;border-color:var(--head)}
.bar .sep{flex:1}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}
section.part{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:14px 18px}
h2{font-size:18px;margin:0 0 10px;color:var(--head)}
h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.cls{font-weight:600;text-align:center}
table.scen td:first-child{min-width:9em}
tr.fail td.meets{color:#b00020;font-weight:600}
table.verdicts tr.differ td{background:#fff4e5}
tr.pass td.meets{color:#1b5e20}
.kv td:first-child{width:28%;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0;font-size:13px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid rgba(0,0,0,.25)}
.legend i.line{height:0;border:0;border-top:2px solid #222;width:26px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#000;stroke-opacity:.08}
svg .frame{fill:none;stroke:#8894a0}
svg .tick{font-size:11px;fill:#444}
svg .axis{font-size:12px;fill:#333}
svg .band{font-size:11px;font-weight:600}
svg .series{fill:none;stroke-width:2}
svg .secline{stroke:#444;stroke-dasharray:3 3;stroke-opacity:.6}
svg .seclabel{font-size:11px;fill:#222}
svg .target{stroke:#b00020;stroke-width:2}
svg .inbar{font-size:10px;fill:#fff}
svg .reach{fill:none;stroke-linecap:round;stroke-linejoin:round}
svg .river{font-size:12px;fill:#37474f;font-style:italic}
svg .mapbg{fill:#fbfcfd}
svg .crs{font-size:11px;fill:#5b6570}
.charts{display:grid;grid-template-columns:1fr;gap:4px}
.note{color:var(--muted);font-size:13px}
.card{display:inline-block;min-width:150px;border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:4px 8px 4px 0}
.card b{font-size:20px;display:block}
.sid{color:var(--muted);font-size:11px;white-space:nowrap;margin-left:4px}
.chart-tools{display:flex;justify-content:flex-end;gap:4px;margin:4px 0 -2px}
.chart-tools button,.picker button{border:1px solid var(--line);background:#fff;border-radius:4px;padding:1px 8px;cursor:pointer;font:12px inherit;color:var(--ink)}
.chart-tools button:hover,.picker button:hover{border-color:var(--head)}
.picker{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:6px 0;background:#fafbfc}
.picker .params{display:flex;gap:6px;align-items:center;margin-bottom:4px}
.picker button.active{background:var(--head);color:#fff;border-color:var(--head)}
.picker .scens{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
.picker label{cursor:pointer;white-space:nowrap}
.picker label.off{opacity:.45}
svg .series.off{display:none}
svg .mcband.off{display:none}
svg .mcband line{stroke-width:2.2}
table.allocation tr.total td{font-weight:600;border-top:2px solid var(--line)}
)CSS";

const char* kHeadScript = R"JS(window.__qlErrors=[];window.addEventListener('error',function(e){window.__qlErrors.push(String(e.message||e));if(document.body)document.body.setAttribute('data-errors',String(window.__qlErrors.length));});)JS";

const char* kScript = R"JS((function(){
var b=document.body;
function setLang(l){b.classList.remove('lang-zh','lang-en');b.classList.add('lang-'+l);document.documentElement.lang=(l==='zh'?'zh-CN':'en');
 document.querySelectorAll('[data-lang-btn]').forEach(function(x){x.classList.toggle('active',x.getAttribute('data-lang-btn')===l);});}
function showScen(id){document.querySelectorAll('.scen-panel').forEach(function(p){p.style.display=(p.getAttribute('data-scen')===id?'':'none');});
 document.querySelectorAll('[data-scen-btn]').forEach(function(x){x.classList.toggle('active',x.getAttribute('data-scen-btn')===id);});}
document.querySelectorAll('[data-lang-btn]').forEach(function(x){x.addEventListener('click',function(){setLang(x.getAttribute('data-lang-btn'));});});
document.querySelectorAll('[data-scen-btn]').forEach(function(x){x.addEventListener('click',function(){showScen(x.getAttribute('data-scen-btn'));});});
setLang(b.getAttribute('data-lang')||'zh');
var first=document.querySelector('[data-scen-btn]');if(first)showScen(first.getAttribute('data-scen-btn'));
var charts=document.querySelectorAll('svg.chart'),drawn=0;
charts.forEach(function(c){var ps=c.querySelectorAll('path,rect,circle');var ok=false;ps.forEach(function(p){if(p.tagName!=='path'||(p.getAttribute('d')||'').length>2)ok=true;});if(ok)drawn++;});
b.setAttribute('data-charts',String(drawn));
b.setAttribute('data-errors',String(window.__qlErrors.length));
b.setAttribute('data-rendered',(charts.length>0&&drawn===charts.length&&window.__qlErrors.length===0)?'ok':'incomplete');
})();)JS";

}  // namespace qingliu::report::html
