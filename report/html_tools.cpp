// The page on paper and the charts taken out of it: the A4 print stylesheet (cover, running header and footer with
// the case, run and page numbers, a page break before each part, rows and charts kept whole, no controls printed)
// and the chart tools (parameter and scenario picker of the profiles, SVG and PNG download of every chart).
#include <string>

#include "report/verdicts.hpp"
#include <utility>
#include <vector>

#include "report/html.hpp"
#include "report/html_parts.hpp"

namespace qingliu::report::html {

namespace {

/// A CSS string literal's content: quotes and backslashes escaped, line breaks as spaces.
std::string css_string(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += c == '\n' || c == '\r' ? ' ' : c;
    }
    return o;
}

}  // namespace

std::string print_css(const ReportData& d) {
    const std::string left = css_string(d.case_name + (d.case_name_en.empty() || d.case_name_en == d.case_name ? "" : " · " + d.case_name_en));
    const std::string right = css_string("运行 run " + std::to_string(d.run_id) + (d.created_utc.empty() ? "" : " · " + d.created_utc) +
                                         " · qingliu " + d.version);
    return R"CSS(
@page{size:A4 portrait;margin:17mm 12mm 15mm 13mm;
 @top-left{content:")CSS" + left + R"CSS(";font:7.5pt "Noto Sans CJK SC",sans-serif;color:#5b6570;vertical-align:bottom}
 @top-right{content:")CSS" + right + R"CSS(";font:7.5pt "Noto Sans CJK SC",sans-serif;color:#5b6570;vertical-align:bottom}
 @bottom-center{content:counter(page) " / " counter(pages);font:8pt "Noto Sans CJK SC",sans-serif;color:#333}}
.cover,.toc{display:none}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{background:#fff;font-size:9pt;line-height:1.35}
 .bar,.chart-tools,.picker .params,.picker input{display:none!important}
 .picker label.off{display:none}
 .scen-panel{display:block!important}
 header{background:none;color:var(--ink);padding:55mm 0 0;break-after:page}
 header h1{font-size:24pt;color:var(--head)}
 header .sub{display:none}
 .cover{display:table;margin-top:14mm;font-size:11pt;border-collapse:collapse;width:auto}
 .cover td{border:0;border-bottom:1px solid var(--line);padding:4pt 12pt 4pt 0}
 .toc{display:block;margin-top:14mm;font-size:11pt}
 main{max-width:none;padding:0;margin:0}
 section.part{border:0;border-radius:0;padding:0;margin:0;break-before:page}
 h2{font-size:14pt}
 h2,h3{break-after:avoid}
 tr,figure,svg.chart,.card,.legend,.picker{break-inside:avoid}
 thead{display:table-header-group}
 table{font-size:7.5pt;margin:3pt 0}
 th,td{padding:1.5pt 3pt}
 table.scen td:first-child{min-width:0}
 .note{font-size:8pt}
 figure{margin:0 0 3mm}
 svg.chart{max-width:100%}
 svg.map{max-height:200mm}
 .card{padding:4pt 8pt}
 table.allocation{font-size:7pt}
 table.allocation th,table.allocation td{padding:1pt 2pt}
}
)CSS";
}

std::string cover_html(const ReportData& d) {
    std::string o = "<table class=\"cover\">";
    auto row = [&](const std::string& zh, const std::string& en, const std::string& v) {
        o += "<tr><td>" + bi(zh, en) + "</td><td>" + v + "</td></tr>";
    };
    row("案例", "Case", bi(d.case_name, d.case_name_en.empty() ? d.case_name : d.case_name_en));
    row("运行", "Run", esc(std::to_string(d.run_id) + (d.command.empty() ? "" : " (qingliu " + d.command + ")")));
    row("日期（UTC）", "Date (UTC)", esc(d.created_utc));
    row("版本", "Version", esc("qingliu " + d.version));
    row("情景", "Scenarios", std::to_string(d.scenarios.size()));
    o += "</table><ol class=\"toc\">";
    std::vector<std::pair<const char*, const char*>> parts = {
        {"概况", "Summary"}, {"断面水质与达标情况", "Monitoring sections"}, {"沿程浓度剖面", "Longitudinal profiles"},
        {"断面污染来源解析", "Source apportionment"}, {"污染负荷清单", "Load inventory"}, {"水系水质示意图", "Network map"},
        {"方法与输入", "Method and inputs"}};
    if (d.allocation) parts.insert(parts.begin() + 4, {"总量分配", "Load allocation"});  // the page's order (html.cpp)
    if (d.verdicts) parts.insert(parts.begin() + 2, {"稳态与动态结论对照", "Steady and dynamic verdicts"});
    if (d.water_quality) parts.insert(parts.begin() + 2, {"全部指标断面评价（水质模型）", "Sections over every GB 3838 item"});
    for (const auto& [zh, en] : parts) o += "<li>" + bi(zh, en) + "</li>";
    return o + "</ol>";
}

const char* kChartScript = R"JS((function(){
var b=document.body,NS='http://www.w3.org/2000/svg';
function lang(){return b.classList.contains('lang-en')?'en':'zh';}
// --- profile picker: parameters (figures) and scenarios (lines)
function applyPicker(){
 var on={};document.querySelectorAll('[data-scen-check]').forEach(function(c){on[c.getAttribute('data-scen-check')]=c.checked;c.parentNode.classList.toggle('off',!c.checked);});
 document.querySelectorAll('path.series,g.mcband').forEach(function(p){var s=p.getAttribute('data-scen');p.classList.toggle('off',on[s]===false);});
 // Monte Carlo bands of the scenarios shown, side by side beside each section's dot
 document.querySelectorAll('svg.profile').forEach(function(svg){var at={};svg.querySelectorAll('g.mcband').forEach(function(g){if(g.classList.contains('off'))return;
  var k=g.getAttribute('data-section');(at[k]=at[k]||[]).push(g);});
  Object.keys(at).forEach(function(k){at[k].forEach(function(g,i){var side=+g.getAttribute('data-side')||1;g.setAttribute('transform','translate('+side*(9+7*i)+',0)');});});});
}
document.querySelectorAll('[data-scen-check]').forEach(function(c){c.addEventListener('change',applyPicker);});
function showParam(k){document.querySelectorAll('figure[data-param]').forEach(function(f){f.style.display=(k==='all'||f.getAttribute('data-param')===k)?'':'none';});
 document.querySelectorAll('[data-param-btn]').forEach(function(x){x.classList.toggle('active',x.getAttribute('data-param-btn')===k);});}
document.querySelectorAll('[data-param-btn]').forEach(function(x){x.addEventListener('click',function(){showParam(x.getAttribute('data-param-btn'));});});
applyPicker();showParam('all');
// --- export: a chart as it is shown, styles inlined, with its title and the legend of its visible lines
var PROPS=['fill','fill-opacity','stroke','stroke-width','stroke-dasharray','stroke-opacity','stroke-linecap','stroke-linejoin','font-size','font-family','font-weight','font-style','opacity'];
function standalone(svg){
 var c=svg.cloneNode(true),src=svg.querySelectorAll('*'),dst=c.querySelectorAll('*'),gone=[];
 for(var i=0;i<src.length;i++){var cs=getComputedStyle(src[i]);if(cs.display==='none'){gone.push(dst[i]);continue;}
  var st='';PROPS.forEach(function(p){var v=cs.getPropertyValue(p);if(v)st+=p+':'+v+';';});dst[i].setAttribute('style',st);}
 gone.forEach(function(e){if(e.parentNode)e.parentNode.removeChild(e);});
 var vb=svg.viewBox.baseVal,w=vb.width,h=vb.height,l=lang();
 var lines=[];svg.querySelectorAll('path.series').forEach(function(p){if(getComputedStyle(p).display!=='none')lines.push(p);});
 var title=svg.getAttribute('data-title-'+l)||'',extra=(title?22:0)+(lines.length?Math.ceil(lines.length/3)*18+6:0);
 var g=document.createElementNS(NS,'g');g.setAttribute('transform','translate(0,'+(title?22:0)+')');
 while(c.firstChild)g.appendChild(c.firstChild);
 var bg=document.createElementNS(NS,'rect');bg.setAttribute('width',w);bg.setAttribute('height',h+extra);bg.setAttribute('fill','#fff');c.appendChild(bg);
 if(title){var t=document.createElementNS(NS,'text');t.setAttribute('x',8);t.setAttribute('y',16);t.setAttribute('style','font-size:13px;font-weight:600;font-family:"Noto Sans CJK SC",sans-serif;fill:#1d2630');t.textContent=title;c.appendChild(t);}
 c.appendChild(g);
 lines.forEach(function(p,i){var x=10+(i%3)*(w-20)/3,y=h+(title?22:0)+14+Math.floor(i/3)*18;
  var s=document.createElementNS(NS,'path');s.setAttribute('d','M'+x+' '+(y-4)+'h28');
  s.setAttribute('style','fill:none;stroke:'+p.getAttribute('stroke')+';stroke-width:2.2;stroke-dasharray:'+(p.getAttribute('stroke-dasharray')||'none'));c.appendChild(s);
  var t=document.createElementNS(NS,'text');t.setAttribute('x',x+34);t.setAttribute('y',y);t.setAttribute('style','font-size:11px;font-family:"Noto Sans CJK SC",sans-serif;fill:#222');
  t.textContent=p.getAttribute('data-name-'+l)||'';c.appendChild(t);});
 c.setAttribute('viewBox','0 0 '+w+' '+(h+extra));c.setAttribute('width',w);c.setAttribute('height',h+extra);c.setAttribute('xmlns',NS);
 c.removeAttribute('class');
 return {text:'<?xml version="1.0" encoding="UTF-8"?>\n'+new XMLSerializer().serializeToString(c),w:w,h:h+extra};
}
function toCanvas(svg,done){var s=standalone(svg),img=new Image(),k=2;
 img.onload=function(){var cv=document.createElement('canvas');cv.width=Math.round(s.w*k);cv.height=Math.round(s.h*k);var g=cv.getContext('2d');
  g.fillStyle='#fff';g.fillRect(0,0,cv.width,cv.height);g.drawImage(img,0,0,cv.width,cv.height);done(cv);};
 img.onerror=function(){done(null);};img.src='data:image/svg+xml;charset=utf-8,'+encodeURIComponent(s.text);}
function toPng(svg,done){toCanvas(svg,function(cv){if(!cv){done(null);return;}cv.toBlob(function(bl){done(bl);},'image/png');});}
function save(name,blob){if(!blob)return;var a=document.createElement('a');a.href=URL.createObjectURL(blob);a.download=name;b.appendChild(a);a.click();
 setTimeout(function(){URL.revokeObjectURL(a.href);a.remove();},2000);}
function fileName(svg,ext){return (svg.getAttribute('data-file')||'chart').replace(/[\\/:*?"<>|\s]+/g,'_')+'.'+ext;}
document.querySelectorAll('svg.chart').forEach(function(svg){
 var d=document.createElement('div');d.className='chart-tools';
 [['svg','SVG'],['png','PNG']].forEach(function(x){var bt=document.createElement('button');bt.type='button';bt.setAttribute('data-dl',x[0]);bt.textContent='\u2913 '+x[1];
  bt.title=(x[0]==='svg'?'SVG (Word, Inkscape)':'PNG 2x');
  bt.addEventListener('click',function(){if(x[0]==='svg')save(fileName(svg,'svg'),new Blob([standalone(svg).text],{type:'image/svg+xml'}));else toPng(svg,function(bl){save(fileName(svg,'png'),bl);});});
  d.appendChild(bt);});
 svg.parentNode.insertBefore(d,svg);});
window.qlExport={svg:function(s){return standalone(s).text;},png:toPng};
// self-check of the export (report.html#export-check): the first chart of each kind as SVG text and PNG bytes, written
// into the page (<pre id="ql-export-KIND-svg|png">) for a headless browser to read
if(location.hash==='#export-check'){var kinds=['profile','apportion','map'],left=kinds.length,res=[];
 kinds.forEach(function(k){var s=document.querySelector('svg.chart.'+k);if(!s){res.push(k+':none');if(--left===0)b.setAttribute('data-export',res.join(' '));return;}
  var t=standalone(s).text;toCanvas(s,function(cv){
   // the PNG encoded synchronously (toDataURL), so nothing is left pending when the headless browser dumps the page
   var url=cv?cv.toDataURL('image/png'):'',n=url?Math.floor((url.length-url.indexOf(',')-1)*3/4):0;
   res.push(k+':svg='+t.length+',png='+n);
   var pre=document.createElement('pre');pre.id='ql-export-'+k+'-svg';pre.textContent=t;b.appendChild(pre);
   if(url){var q=document.createElement('pre');q.id='ql-export-'+k+'-png';q.textContent=url;b.appendChild(q);}
   if(--left===0)b.setAttribute('data-export',res.sort().join(' '));});});}
})();)JS";

}  // namespace qingliu::report::html
