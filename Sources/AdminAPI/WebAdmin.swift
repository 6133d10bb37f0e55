/// The web admin: one page of plain HTML, CSS and JavaScript that talks to the JSON API with
/// the signed-in user's basic credentials (kept in sessionStorage for the tab's life).
/// Served without authentication; every API call it makes is authenticated.
enum WebAdmin {
    struct Page {
        var contentType: String
        var body: String
    }

    static func page(path: String) -> Page? {
        switch path {
        case "/", "/index.html": return Page(contentType: "text/html; charset=utf-8", body: html)
        case "/webadmin.css": return Page(contentType: "text/css; charset=utf-8", body: css)
        case "/webadmin.js": return Page(contentType: "text/javascript; charset=utf-8", body: script)
        default: return nil
        }
    }

    static let html = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>callbridge admin</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="stylesheet" href="/webadmin.css"></head>
    <body>
    <header><h1>callbridge</h1><nav id="nav" hidden>
      <a href="#status" id="nav-status">Status</a> <a href="#spaces" id="nav-spaces">Spaces</a>
      <a href="#calls" id="nav-calls">Calls</a> <a href="#signout" id="nav-signout">Sign out</a></nav></header>
    <main>
    <section id="signin-view"><h2>Sign in</h2>
      <form id="signin-form"><label>User <input id="username" autocomplete="username" required></label>
      <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
      <button id="signin" type="submit">Sign in</button></form><p id="signin-error" class="error"></p></section>
    <section id="status-view" hidden><h2>Status</h2>
      <dl id="status-list"></dl>
      <h3>Media processing load</h3>
      <canvas id="load-graph" width="600" height="160" aria-label="mediaProcessingLoad over the last two minutes"></canvas>
      <p>Now: <span id="load-now">–</span> % (limit <span id="load-limit">–</span> %)</p>
      <h3>Active calls</h3><ul id="status-calls"></ul></section>
    <section id="spaces-view" hidden><h2>Spaces</h2>
      <table id="spaces-table"><thead><tr><th>Name</th><th>URI</th><th>Call ID</th><th>Layout</th><th></th></tr></thead><tbody></tbody></table>
      <h3 id="space-form-title">New space</h3>
      <form id="space-form"><input type="hidden" id="space-id">
        <label>Name <input id="space-name"></label><label>URI <input id="space-uri" required></label>
        <label>Call ID <input id="space-callid" inputmode="numeric"></label>
        <label>Default layout <select id="space-layout"></select></label>
        <button id="space-save" type="submit">Save</button> <button id="space-cancel" type="button">Clear</button></form>
      <p id="space-error" class="error"></p></section>
    <section id="calls-view" hidden><h2>Calls</h2><div id="calls-list"></div><p id="calls-error" class="error"></p></section>
    </main><script src="/webadmin.js"></script></body></html>
    """

    static let css = """
    body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
    header { background: #1d2330; color: #fff; padding: 0.6em 1.2em; display: flex; align-items: center; gap: 2em; }
    header h1 { font-size: 1.2em; margin: 0; } nav a { color: #cfe3ff; margin-right: 1em; text-decoration: none; }
    main { padding: 1em 1.5em; max-width: 60em; } section { background: #fff; padding: 1em 1.5em; border-radius: 6px; }
    label { display: block; margin: 0.4em 0; } input, select { margin-left: 0.5em; }
    table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #dde; padding: 0.3em 0.5em; text-align: left; }
    .error { color: #b00020; } canvas { border: 1px solid #ccd; background: #fbfcff; }
    dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; } dt { font-weight: 600; }
    .call { border: 1px solid #dde; border-radius: 4px; padding: 0.5em 1em; margin-bottom: 1em; }
    """

    static let script = """
    'use strict';
    const layouts = \(layoutsJSON);
    let auth = sessionStorage.getItem('callbridge-auth');
    let loadHistory = [];
    let timer = null;
    const $ = (id) => document.getElementById(id);

    async function api(method, path, params) {
      const init = { method, headers: { 'Accept': 'application/json', 'Authorization': 'Basic ' + auth,
                                        'X-Requested-With': 'callbridge-webadmin' } };
      if (params) {
        init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
        init.body = new URLSearchParams(params).toString();
      }
      const response = await fetch('/api/v1/' + path, init);
      if (response.status === 401) { signOut('Wrong user or password.'); throw new Error('unauthorized'); }
      const text = await response.text();
      const body = text ? JSON.parse(text) : null;
      if (!response.ok) {
        const details = body && body.failureDetails ? Object.entries(body.failureDetails)[0] : null;
        const reason = details ? (details[1].reason || details[0]) : response.statusText;
        throw new Error(reason);
      }
      return { body, location: response.headers.get('Location') };
    }

    function signOut(message) {
      auth = null; sessionStorage.removeItem('callbridge-auth');
      $('nav').hidden = true; show('signin');
      $('signin-error').textContent = message || '';
    }

    function show(view) {
      for (const name of ['signin', 'status', 'spaces', 'calls']) $(name + '-view').hidden = name !== view;
      if (timer) { clearInterval(timer); timer = null; }
      if (view === 'status') { refreshStatus(); timer = setInterval(refreshStatus, 1000); }
      if (view === 'spaces') refreshSpaces();
      if (view === 'calls') { refreshCalls(); timer = setInterval(refreshCalls, 2000); }
    }

    function route() {
      if (!auth) return show('signin');
      $('nav').hidden = false;
      const view = (location.hash || '#status').slice(1);
      if (view === 'signout') return signOut('Signed out.');
      show(['status', 'spaces', 'calls'].includes(view) ? view : 'status');
    }

    $('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      auth = btoa(unescape(encodeURIComponent($('username').value + ':' + $('password').value)));
      try {
        await api('GET', 'system/status');
        sessionStorage.setItem('callbridge-auth', auth);
        $('signin-error').textContent = '';
        location.hash = '#status'; route();
      } catch (e) { if (e.message !== 'unauthorized') $('signin-error').textContent = e.message; }
    });

    function drawGraph() {
      const canvas = $('load-graph'), g = canvas.getContext('2d');
      g.clearRect(0, 0, canvas.width, canvas.height);
      g.strokeStyle = '#dde'; g.beginPath();
      for (const y of [0.25, 0.5, 0.75]) { g.moveTo(0, canvas.height * y); g.lineTo(canvas.width, canvas.height * y); }
      g.stroke();
      g.strokeStyle = '#2563eb'; g.lineWidth = 2; g.beginPath();
      loadHistory.forEach((v, i) => {
        const x = canvas.width - (loadHistory.length - 1 - i) * (canvas.width / 119);
        const y = canvas.height - (Math.min(100, v) / 100) * canvas.height;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }

    async function refreshStatus() {
      try {
        const status = (await api('GET', 'system/status')).body.status;
        $('status-list').innerHTML = '';
        for (const [key, value] of Object.entries(status)) {
          const dt = document.createElement('dt'); dt.textContent = key;
          const dd = document.createElement('dd'); dd.textContent = value; dd.id = 'status-' + key;
          $('status-list').append(dt, dd);
        }
        const load = (await api('GET', 'system/load')).body.load;
        loadHistory.push(load.mediaProcessingLoad); if (loadHistory.length > 120) loadHistory.shift();
        $('load-now').textContent = load.mediaProcessingLoad; $('load-limit').textContent = load.loadLimit;
        drawGraph();
        const calls = (await api('GET', 'calls')).body.calls.call;
        $('status-calls').innerHTML = '';
        for (const call of calls) {
          const li = document.createElement('li');
          li.textContent = call.name + ' — ' + call.numParticipantsLocal + ' participant(s)';
          $('status-calls').append(li);
        }
      } catch (e) { /* shown on the next successful refresh */ }
    }

    async function refreshSpaces() {
      try {
        const spaces = (await api('GET', 'coSpaces')).body.coSpaces.coSpace;
        const body = $('spaces-table').querySelector('tbody'); body.innerHTML = '';
        for (const space of spaces) {
          const row = document.createElement('tr'); row.dataset.id = space.id; row.className = 'space-row';
          for (const key of ['name', 'uri', 'callId', 'defaultLayout']) {
            const td = document.createElement('td'); td.textContent = space[key] || ''; row.append(td);
          }
          const actions = document.createElement('td');
          const edit = document.createElement('button'); edit.textContent = 'Edit'; edit.className = 'space-edit';
          edit.onclick = () => fillSpaceForm(space);
          const del = document.createElement('button'); del.textContent = 'Delete'; del.className = 'space-delete';
          del.onclick = async () => { try { await api('DELETE', 'coSpaces/' + space.id); refreshSpaces(); }
                                      catch (e) { $('space-error').textContent = e.message; } };
          actions.append(edit, ' ', del); row.append(actions); body.append(row);
        }
      } catch (e) { $('space-error').textContent = e.message; }
    }

    function fillSpaceForm(space) {
      $('space-id').value = space ? space.id : '';
      $('space-name').value = space ? (space.name || '') : '';
      $('space-uri').value = space ? (space.uri || '') : '';
      $('space-callid').value = space ? (space.callId || '') : '';
      $('space-layout').value = space && space.defaultLayout ? space.defaultLayout : '';
      $('space-form-title').textContent = space ? 'Edit space' : 'New space';
    }

    $('space-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const params = { name: $('space-name').value, uri: $('space-uri').value, callId: $('space-callid').value,
                       defaultLayout: $('space-layout').value };
      const id = $('space-id').value;
      try {
        if (id) await api('PUT', 'coSpaces/' + id, params); else await api('POST', 'coSpaces', params);
        $('space-error').textContent = ''; fillSpaceForm(null); refreshSpaces();
      } catch (e) { $('space-error').textContent = e.message; }
    });
    $('space-cancel').onclick = () => fillSpaceForm(null);

    async function refreshCalls() {
      if (document.activeElement && document.activeElement.classList.contains('leg-layout')) return;
      try {
        const calls = (await api('GET', 'calls')).body.calls.call;
        const list = $('calls-list'); list.innerHTML = calls.length ? '' : '<p id="no-calls">No active calls.</p>';
        for (const call of calls) {
          const div = document.createElement('div'); div.className = 'call'; div.dataset.id = call.id;
          const h = document.createElement('h3'); h.textContent = call.name; div.append(h);
          const legs = (await api('GET', 'calls/' + call.id + '/callLegs')).body.callLegs.callLeg;
          const table = document.createElement('table');
          for (const summary of legs) {
            const leg = (await api('GET', 'callLegs/' + summary.id)).body.callLeg;
            const row = document.createElement('tr'); row.className = 'leg-row'; row.dataset.id = leg.id;
            const name = document.createElement('td'); name.textContent = leg.name + ' (' + leg.remoteParty + ')';
            const rate = document.createElement('td');
            const rx = leg.status && leg.status.rxVideo ? leg.status.rxVideo.frameRate : 0;
            rate.textContent = Math.round(rx) + ' fps in';
            const layoutCell = document.createElement('td');
            const select = document.createElement('select'); select.className = 'leg-layout';
            for (const l of layouts) { const o = document.createElement('option'); o.value = l; o.textContent = l; select.append(o); }
            select.value = leg.configuration.chosenLayout;
            select.onchange = async () => { try { await api('PUT', 'callLegs/' + leg.id, { chosenLayout: select.value }); }
                                            catch (e) { $('calls-error').textContent = e.message; } select.blur(); };
            layoutCell.append(select);
            const hang = document.createElement('td');
            const button = document.createElement('button'); button.textContent = 'Hang up'; button.className = 'leg-hangup';
            button.onclick = async () => { try { await api('DELETE', 'callLegs/' + leg.id); refreshCalls(); }
                                           catch (e) { $('calls-error').textContent = e.message; } };
            hang.append(button);
            row.append(name, rate, layoutCell, hang); table.append(row);
          }
          div.append(table); list.append(div);
        }
      } catch (e) { $('calls-error').textContent = e.message; }
    }

    for (const l of [''].concat(layouts)) {
      const o = document.createElement('option'); o.value = l; o.textContent = l || '(profile default)'; $('space-layout').append(o);
    }
    window.addEventListener('hashchange', route);
    route();
    """

    static var layoutsJSON: String { "[" + ObjectSpec.layouts.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
}
