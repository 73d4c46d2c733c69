/**
 * The dashboard: one static page. Everything it shows arrives over the
 * WebSocket (the status object of DESIGN §11 and the event history); data is
 * only ever put in the DOM as text, never as HTML. The script is a separate
 * resource so the page can forbid inline scripts (CSP).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>whmcs-ha</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d232a; background: #f6f7f9; }
  h1 { font-size: 1.3rem; margin: 0 0 .2rem; }
  h2 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
  table { border-collapse: collapse; background: #fff; min-width: 40rem; }
  th, td { border: 1px solid #d5d9e0; padding: .25rem .6rem; text-align: left; white-space: nowrap; }
  th { background: #eceff3; font-weight: 600; }
  .ok { color: #176b2c; } .bad { color: #b3261e; font-weight: 600; } .muted { color: #6b7280; }
  #conn.bad::before, #conn.ok::before { content: "\\25CF  "; }
  #summary span { margin-right: 1.2rem; }
  #history { background: #fff; border: 1px solid #d5d9e0; padding: .4rem .6rem; max-height: 22rem; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
  #auth { margin: .6rem 0; padding: .6rem; background: #fff; border: 1px solid #d5d9e0; display: inline-block; }
  #operator { margin-top: 1rem; padding: .6rem; background: #fff8e6; border: 1px solid #e8c66a; display: inline-block; }
  /* an author display rule would otherwise override the hidden attribute */
  [hidden] { display: none !important; }
  button { font: inherit; padding: .2rem .8rem; }
</style>
</head>
<body>
<h1>whmcs-ha <span id="cluster-mode" class="muted"></span></h1>
<div id="conn" class="bad">connecting</div>
<form id="auth" hidden>
  <label>Viewer or operator token <input id="token" type="password" autocomplete="off" spellcheck="false"></label>
  <button type="submit">Sign in</button>
  <span id="auth-result" class="bad"></span>
</form>
<div id="summary">
  <span>active: <b id="active">-</b></span>
  <span>epoch: <b id="epoch">-</b></span>
  <span>leader: <b id="leader">-</b></span>
  <span>automation: <b id="paused">-</b></span>
  <span>answered by: <b id="answered-by">-</b></span>
</div>
<div id="footer" class="muted"></div>

<h2>Nodes</h2>
<table id="nodes"><thead><tr>
  <th>Node</th><th>Role</th><th>State</th><th>MySQL</th><th>IO/SQL</th><th>Lag</th><th>GTID executed</th><th>PHP-FPM</th><th>Files</th><th>Report age</th>
</tr></thead><tbody></tbody></table>

<h2>Coordinators</h2>
<table id="coordinators"><thead><tr>
  <th>Coordinator</th><th>Role</th><th>Term</th><th>Commit index</th><th>Reachable</th>
</tr></thead><tbody></tbody></table>

<div id="operator" hidden>
  <label>Switch over the writer to <select id="switch-to"></select></label>
  <button id="switchover" type="button">Switchover</button>
  <div id="operate-result" class="muted"></div>
</div>

<h2>Events</h2>
<div id="history"></div>

<script src="/dashboard.js"></script>
</body>
</html>
`;

export const DASHBOARD_JS = `(() => {
  const $ = (id) => document.getElementById(id);
  // the token lives only in this tab's sessionStorage: never in a URL, a cookie or the DOM after sign-in
  const KEY = 'whmcs-ha-dashboard-token';
  const stored = () => sessionStorage.getItem(KEY) || '';
  let ws = null;
  let status = null;

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  const age = (ms) => ms === null ? 'never' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s';

  function render(s) {
    status = s;
    $('cluster-mode').textContent = s.mode;
    $('active').textContent = s.active || 'none';
    $('epoch').textContent = String(s.epoch);
    $('leader').textContent = s.leader.id ? s.leader.id + ' (term ' + s.leader.term + ')' : 'none';
    $('paused').textContent = s.paused ? 'PAUSED' + (s.pausedReason ? ' (' + s.pausedReason + ')' : '') : 'on';
    $('paused').className = s.paused ? 'bad' : 'ok';
    $('answered-by').textContent = s.answeredBy + (s.fromLeader ? ' (leader)' : ' (follower view)');
    const foot = [];
    if (s.maintenance.length) foot.push('maintenance: ' + s.maintenance.join(', '));
    if (s.blockedUntil && s.blockedUntil > Date.now()) foot.push('failover blocked until ' + new Date(s.blockedUntil).toISOString() + ' (whmcs-hactl ack)');
    if (s.operation) foot.push('operation: ' + s.operation.kind + ' ' + (s.operation.from || '-') + ' -> ' + s.operation.to + ', step ' + s.operation.step);
    if (s.lastDecision) foot.push('last decision: ' + s.lastDecision.sentence);
    $('footer').textContent = foot.join(' \\u00b7 ');

    const nb = $('nodes').tBodies[0];
    nb.replaceChildren();
    for (const n of s.nodes) {
      const tr = document.createElement('tr');
      tr.dataset.node = n.name;
      cell(tr, n.name);
      cell(tr, n.role).dataset.field = 'role';
      cell(tr, n.healthy ? 'healthy' : 'unhealthy' + (n.problem ? ': ' + n.problem : ''), n.healthy ? 'ok' : 'bad').dataset.field = 'state';
      cell(tr, n.mysql.up ? (n.mysql.readOnly ? 'ro' : 'rw') : 'down', n.mysql.up ? '' : 'bad');
      cell(tr, (n.mysql.ioRunning ? 'on' : 'off') + '/' + (n.mysql.sqlRunning ? 'on' : 'off'), n.mysql.ioRunning && n.mysql.sqlRunning ? '' : 'bad');
      cell(tr, n.mysql.lagSeconds === null ? '-' : n.mysql.lagSeconds + ' s');
      cell(tr, n.mysql.gtidExecuted || '-');
      cell(tr, n.phpFpm.up ? 'up' : 'down', n.phpFpm.up ? '' : 'bad');
      cell(tr, n.files.syncing ? 'syncing' : n.files.inSync === null ? 'unknown' : n.files.inSync ? 'in sync' : 'differs', n.files.inSync === false ? 'bad' : '');
      cell(tr, age(n.lastReportAgeMs));
      nb.appendChild(tr);
    }
    const cb = $('coordinators').tBodies[0];
    cb.replaceChildren();
    for (const c of s.coordinators) {
      const tr = document.createElement('tr');
      cell(tr, c.id);
      cell(tr, c.role);
      cell(tr, c.term === null ? '-' : String(c.term));
      cell(tr, c.commitIndex === null ? '-' : String(c.commitIndex));
      cell(tr, c.reachable ? 'yes' : 'NO', c.reachable ? 'ok' : 'bad');
      cb.appendChild(tr);
    }
    const sel = $('switch-to');
    const want = s.nodes.filter((n) => n.name !== s.active).map((n) => n.name);
    if ([...sel.options].map((o) => o.value).join() !== want.join()) {
      sel.replaceChildren(...want.map((name) => { const o = document.createElement('option'); o.value = name; o.textContent = name; return o; }));
    }
    document.body.dataset.active = s.active || '';
    document.body.dataset.epoch = String(s.epoch);
  }

  function renderHistory(events) {
    const h = $('history');
    h.replaceChildren(...events.slice().reverse().map((e) => {
      const d = document.createElement('div');
      d.textContent = new Date(e.at).toISOString() + '  epoch ' + e.epoch + '  ' + e.kind + '  ' + e.text;
      return d;
    }));
  }

  function connect() {
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws.onopen = () => {
      $('conn').textContent = 'connected';
      $('conn').className = 'muted';
    };
    ws.onclose = () => {
      $('conn').textContent = 'disconnected; reconnecting';
      $('conn').className = 'bad';
      $('operator').hidden = true;
      setTimeout(connect, 1000);
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'status') render(msg.status);
      else if (msg.type === 'history') renderHistory(msg.events);
      else if (msg.type === 'hello') {
        if (!msg.authRequired) return;
        if (stored()) ws.send(JSON.stringify({ type: 'auth', token: stored() }));
        else askToken('');
      } else if (msg.type === 'role') {
        $('auth').hidden = true;
        $('auth-result').textContent = '';
        $('conn').textContent = 'live';
        $('conn').className = 'ok';
        document.body.dataset.role = msg.role;
        $('operator').hidden = msg.role !== 'operator';
      } else if (msg.type === 'auth-refused') {
        sessionStorage.removeItem(KEY);
        $('operator').hidden = true;
        delete document.body.dataset.role;
        askToken(msg.message);
      }
      else if (msg.type === 'operate-result') {
        $('operate-result').textContent = (msg.accepted ? 'accepted: ' : 'refused: ') + msg.message;
        $('operate-result').className = msg.accepted ? 'ok' : 'bad';
      }
    };
  }

  function askToken(problem) {
    $('conn').textContent = 'a token is needed to read this dashboard';
    $('conn').className = 'bad';
    $('auth-result').textContent = problem;
    $('auth').hidden = false;
    $('token').focus();
  }

  $('auth').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    $('token').value = '';
    if (!token) return;
    sessionStorage.setItem(KEY, token);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'auth', token }));
  });

  $('switchover').addEventListener('click', () => {
    const to = $('switch-to').value;
    if (!to || !ws) return;
    if (!confirm('Switch over the writer to ' + to + '?')) return;
    $('operate-result').textContent = 'asking the leader...';
    ws.send(JSON.stringify({ type: 'switchover', to }));
  });
  connect();
})();
`;
