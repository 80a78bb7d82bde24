// A self-contained documentation page (no CDN, no external script): it fetches /openapi.json from the
// same server and renders operations, fields and the result codes. Its inline script and style carry a
// per-response nonce, so the page can be served with a strict Content-Security-Policy (docsPageCsp).

/** The policy for the docs page: only its own nonce'd script and style, fetches to the same origin. */
export function docsPageCsp(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export function docsPageHtml(title: string, nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
body{font:14px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#1d2733}
header{background:#0b5c8a;color:#fff;padding:12px 24px}header a{color:#cfe8ff}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
section.op{border:1px solid #d5dde5;border-radius:6px;margin:12px 0;padding:8px 14px}
.method{display:inline-block;background:#127a3d;color:#fff;border-radius:3px;padding:0 6px;font-weight:600}
code,pre{font-family:ui-monospace,Menlo,monospace;font-size:12px}pre{background:#f5f7f9;padding:8px;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #d5dde5;padding:2px 6px;text-align:left;vertical-align:top}
</style></head><body>
<header><h1>${title}</h1>
<p>REST: <code>/api/v1/…</code> · OpenAPI: <a href="/openapi.json">/openapi.json</a> · SOAP 1.1 WSDL: <a href="/soap/rhc?wsdl">/soap/rhc?wsdl</a> · 结果代码 / result codes: <a href="#codes">below</a></p></header>
<main><p>认证：先调用 <code>POST /api/v1/auth/token</code>（RHC_C0001），之后在请求头携带 <code>Authorization: Bearer &lt;token&gt;</code>。身份证号、卡号只出现在请求体中。/
Authenticate first, then send the token as a bearer header. Personal identifiers travel only in bodies.</p>
<div id="ops">加载中 / loading…</div><h2 id="codes">结果代码 / Result codes</h2><div id="codes-table"></div></main>
<script nonce="${nonce}">
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]})}
function deref(doc,s){while(s&&s.$ref){var p=s.$ref.replace(/^#\\//,'').split('/');s=p.reduce(function(o,k){return o&&o[k]},doc)}return s||{}}
function fields(doc,s,prefix,out){s=deref(doc,s);if(s.type==='array'&&s.items){fields(doc,s.items,prefix+'[]',out);return out}
var req=s.required||[];Object.keys(s.properties||{}).forEach(function(k){var p=deref(doc,s.properties[k]);
out.push([prefix+k,(p.type||'')+(p.pattern?' '+p.pattern:'')+(p.enum?' '+p.enum.join('|'):''),req.indexOf(k)>=0?'✔':'',p.description||'']);
if(p.type==='object'||p.type==='array')fields(doc,p,prefix+k+'.',out)});return out}
function table(rows,head){return '<table><tr>'+head.map(function(h){return '<th>'+h+'</th>'}).join('')+'</tr>'+rows.map(function(r){return '<tr>'+r.map(function(c){return '<td>'+esc(c)+'</td>'}).join('')+'</tr>'}).join('')+'</table>'}
fetch('/openapi.json').then(function(r){return r.json()}).then(function(doc){
var html='';Object.keys(doc.paths).forEach(function(path){var item=doc.paths[path];Object.keys(item).forEach(function(m){var op=item[m];
var body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
var ok=op.responses&&op.responses['200']&&op.responses['200'].content&&op.responses['200'].content['application/json'];
html+='<section class="op"><h3><span class="method">'+m.toUpperCase()+'</span> <code>'+esc(path)+'</code> '+esc(op.summary||'')+'</h3><p>'+esc(op.description||'')+'</p>'+
(body?'<h4>Request</h4>'+table(fields(doc,body.schema,'',[]),['field','type','required','note']):'')+
(ok?'<h4>Response 200</h4>'+table(fields(doc,ok.schema,'',[]),['field','type','required','note']):'')+'</section>'})});
document.getElementById('ops').innerHTML=html;
var codes=(doc['x-rhc-result-codes']||[]);document.getElementById('codes-table').innerHTML=table(codes.map(function(c){return [c.code,c.symbol,c.zh,c.en,c.staff,c.integrator]}),['code','name','含义','meaning','前台','integrator'])
}).catch(function(e){document.getElementById('ops').textContent='OpenAPI load failed: '+e})
</script></body></html>`;
}
