// The deployment dashboard. Every string from the server (product names, device ids, reasons)
// goes into the page as textContent or an attribute value, never as markup; the server's
// Content-Security-Policy forbids inline code besides. The admin token lives in sessionStorage
// and is sent only as a Bearer header by fetch(): the browser never attaches it on its own, so
// another site cannot make this browser pause a deployment (no CSRF).
'use strict';
(function () {
  const KEY = 'subnetcast.adminToken';
  const REFRESH_MS = 3000;
  const STATES = ['installed', 'failed', 'downloading', 'offered', 'targeted'];
  const sections = new Map(); // product -> its section's parts, kept so that inputs keep focus
  let timer = null;
  let busy = false;
  let refreshes = 0;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  function validToken(t) {
    return typeof t === 'string' && /^[\x21-\x7e]{16,512}$/.test(t);
  }

  function token() {
    const t = sessionStorage.getItem(KEY);
    return validToken(t) ? t : null;
  }

  // For scripted use: /#token=TOKEN, taken once and removed from the address bar (and history) at once.
  function takeFragmentToken() {
    const m = /^#token=([^&]*)$/.exec(location.hash);
    if (!m) {
      return;
    }
    history.replaceState(null, '', location.pathname + location.search);
    let t = null;
    try {
      t = decodeURIComponent(m[1]);
    } catch (e) {
      t = null;
    }
    if (validToken(t)) {
      sessionStorage.setItem(KEY, t);
    } else {
      status('The token in the address was not valid.');
    }
  }

  function status(text) {
    document.getElementById('status').textContent = text;
  }

  function showLogin(message) {
    document.getElementById('login').hidden = false;
    document.getElementById('forget').hidden = true;
    document.getElementById('products').replaceChildren();
    sections.clear();
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    status(message || 'Enter the admin token to see the deployments.');
  }

  function forget(message) {
    sessionStorage.removeItem(KEY);
    showLogin(message);
  }

  async function api(method, path) {
    const t = token();
    if (t === null) {
      throw new Error('no token');
    }
    const r = await fetch(path, {
      method: method, cache: 'no-store', credentials: 'omit', headers: { Authorization: 'Bearer ' + t },
    });
    let body = {};
    try {
      body = await r.json();
    } catch (e) {
      body = {};
    }
    if (r.status === 401) {
      forget('The server refused the token.');
      throw new Error('the server refused the token');
    }
    if (!r.ok) {
      throw new Error(typeof body.error === 'string' ? body.error : 'HTTP ' + r.status);
    }
    return body;
  }

  function count(v) {
    return Number.isSafeInteger(v) && v >= 0 ? v : 0;
  }

  // A time as "12 s ago" (the cell's title has it in full).
  function ago(ms) {
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago'
      : s < 172800 ? Math.round(s / 3600) + ' h ago' : Math.round(s / 86400) + ' d ago';
  }

  function utc(ms) {
    return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  }

  function waveText(d) {
    const waves = count(d.waves);
    const open = count(d.openWaves);
    return open === 0 ? 'pilot only, 0 of ' + waves + ' waves open' : 'wave ' + open + ' of ' + waves + ' open';
  }

  function section(product) {
    let s = sections.get(product);
    if (s) {
      return s;
    }
    s = { product: product };
    s.root = el('section', 'product');
    s.root.dataset.product = product;
    const head = el('div', 'head');
    s.title = el('h2', null, product + ' ');
    s.version = el('span', 'version');
    s.title.append(s.version);
    s.state = el('span', 'badge');
    s.state.dataset.field = 'state';
    s.wave = el('span', 'wave');
    s.wave.dataset.field = 'wave';
    s.sealed = el('span', 'sealed');
    const actions = el('span', 'actions');
    s.pause = el('button', 'pause', 'Pause');
    s.resume = el('button', 'resume', 'Resume');
    s.pause.type = 'button';
    s.resume.type = 'button';
    s.pause.addEventListener('click', () => change(s, 'pause'));
    s.resume.addEventListener('click', () => change(s, 'resume'));
    actions.append(s.pause, s.resume);
    head.append(s.title, s.state, s.wave, s.sealed, actions);
    s.reason = el('p', 'reason');
    s.reason.dataset.field = 'reason';
    s.platforms = el('div', 'platforms');
    s.older = el('details', 'older');
    s.olderSummary = el('summary');
    s.olderList = el('ul');
    s.older.append(s.olderSummary, s.olderList);
    const devices = el('div', 'devices');
    const h3 = el('h3', null, 'Devices');
    const label = el('label', null, 'version ');
    s.filter = el('input');
    s.filter.maxLength = 64;
    s.filter.placeholder = 'any';
    s.filter.addEventListener('change', () => refresh());
    label.append(s.filter);
    s.note = el('span', 'note');
    h3.append(label, s.note);
    const scroll = el('div', 'scroll');
    const table = el('table');
    const headRow = el('tr');
    for (const c of ['device', 'platform', 'version', 'state', 'failed tries', 'reason', 'last report', 'last seen']) {
      headRow.append(el('th', null, c));
    }
    table.append(el('thead'), el('tbody'));
    table.tHead.append(headRow);
    s.rows = table.tBodies[0];
    scroll.append(table);
    devices.append(h3, scroll);
    s.root.append(head, s.reason, s.platforms, s.older, devices);
    document.getElementById('products').append(s.root);
    sections.set(product, s);
    return s;
  }

  function platformRow(name, counts) {
    const row = el('div', 'platform');
    row.dataset.platform = name;
    const bar = el('div', 'bar');
    let total = 0;
    for (const st of STATES) {
      total += count(counts[st]);
    }
    bar.dataset.total = String(total);
    bar.setAttribute('role', 'img');
    const legend = el('ul', 'legend');
    const words = [];
    for (const st of STATES) {
      const n = count(counts[st]);
      if (n > 0) {
        const seg = el('span', 'seg s-' + st);
        seg.style.width = (100 * n / total) + '%';
        seg.title = st + ': ' + n;
        bar.append(seg);
      }
      const item = el('li');
      item.dataset.state = st;
      item.dataset.count = String(n);
      const swatch = el('span', 'swatch s-' + st);
      item.append(swatch, document.createTextNode(st), el('span', 'count', n));
      legend.append(item);
      words.push(n + ' ' + st);
    }
    bar.setAttribute('aria-label', name + ': ' + words.join(', ') + ' of ' + total);
    row.append(el('span', 'name', name), bar, legend);
    return row;
  }

  function render(s, list) {
    const d = list[0]; // the API lists a product's deployments newest first
    s.root.dataset.deployment = d.id;
    s.version.textContent = d.version;
    s.state.textContent = d.state;
    s.state.className = 'badge state-' + (/^[a-z]+$/.test(d.state) ? d.state : 'unknown');
    s.root.dataset.state = d.state;
    s.wave.textContent = waveText(d) + (count(d.waves) > 0 && d.openWaves === d.waves ? ' (everyone)' : '');
    s.sealed.textContent = d.sealed ? 'sealed' : 'unkeyed';
    s.reason.textContent = typeof d.reason === 'string' ? d.reason : '';
    s.pause.disabled = !(d.state === 'running' || d.state === 'completed');
    s.resume.disabled = !(d.state === 'paused' || d.state === 'halted');
    const rows = [];
    const platforms = d.platforms && typeof d.platforms === 'object' ? d.platforms : {};
    const order = (p) => { const i = ['windows', 'macos', 'linux'].indexOf(p); return i < 0 ? 99 : i; };
    for (const name of Object.keys(platforms).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))) {
      rows.push(platformRow(name, platforms[name] || {}));
    }
    s.platforms.replaceChildren(...rows);
    s.older.hidden = list.length < 2;
    s.olderSummary.textContent = 'Older deployments (' + (list.length - 1) + ')';
    const older = [];
    for (const o of list.slice(1)) {
      let installed = 0;
      for (const c of Object.values(o.platforms || {})) {
        installed += count(c.installed);
      }
      older.push(el('li', null, o.version + ': ' + o.state + (o.reason ? ' (' + o.reason + ')' : '') + ', '
        + installed + ' installed'));
    }
    s.olderList.replaceChildren(...older);
  }

  function renderDevices(s, answer) {
    const rows = [];
    for (const f of Array.isArray(answer.devices) ? answer.devices : []) {
      const tr = el('tr');
      tr.dataset.device = f.device;
      const state = f.state === null ? 'not part' : f.state;
      const updated = Number.isFinite(f.updatedAtMs) ? f.updatedAtMs : null;
      const seen = Number.isFinite(f.lastSeenMs) ? f.lastSeenMs : null;
      const cells = [f.device, f.platform, f.version === null ? 'none' : f.version, state,
        count(f.failures), f.reason, updated === null ? '' : ago(updated), seen === null ? '' : ago(seen)];
      const names = ['device', 'platform', 'version', 'state', 'failures', 'reason', 'updated', 'seen'];
      cells.forEach((v, i) => {
        const td = el('td', null, v);
        td.dataset.col = names[i];
        const at = names[i] === 'updated' ? updated : names[i] === 'seen' ? seen : null;
        if (at !== null) {
          td.title = utc(at);
          td.className = 'time';
        }
        if (names[i] === 'state' && typeof f.state === 'string' && /^[a-z]+$/.test(f.state)) {
          td.className = 'st-' + f.state;
        }
        if (names[i] === 'reason') {
          td.className = 'reason-cell';
        }
        tr.append(td);
      });
      rows.push(tr);
    }
    s.rows.replaceChildren(...rows);
    s.note.textContent = rows.length + ' shown' + (answer.truncated ? ', the first ' + count(answer.limit)
      + ' by id (more exist: filter by version)' : '');
  }

  async function change(s, action) {
    s.pause.disabled = true;
    s.resume.disabled = true;
    try {
      await api('POST', '/api/products/' + encodeURIComponent(s.product) + '/' + action);
      status(s.product + ': ' + action + 'd');
    } catch (e) {
      status(s.product + ': ' + action + ' failed: ' + e.message);
    }
    await refresh();
  }

  async function refresh() {
    if (busy || token() === null) {
      return;
    }
    busy = true;
    try {
      const all = await api('GET', '/api/deployments');
      const byProduct = new Map();
      for (const d of Array.isArray(all.deployments) ? all.deployments : []) {
        if (!byProduct.has(d.product)) {
          byProduct.set(d.product, []);
        }
        byProduct.get(d.product).push(d);
      }
      for (const [product, s] of sections) {
        if (!byProduct.has(product)) {
          s.root.remove();
          sections.delete(product);
        }
      }
      for (const [product, list] of byProduct) {
        const s = section(product);
        render(s, list);
        const v = s.filter.value.trim();
        const q = v === '' ? '' : '?version=' + encodeURIComponent(v);
        try {
          renderDevices(s, await api('GET', '/api/products/' + encodeURIComponent(product) + '/devices' + q));
        } catch (e) {
          s.note.textContent = 'devices: ' + e.message;
        }
      }
      if (byProduct.size === 0) {
        status('No deployments yet.');
      } else {
        status('Updated ' + new Date().toLocaleTimeString() + ', every ' + REFRESH_MS / 1000 + ' s');
      }
    } catch (e) {
      if (token() !== null) {
        status('Update failed: ' + e.message);
      }
    } finally {
      busy = false;
      refreshes++;
      document.body.dataset.refreshes = String(refreshes); // lets a test wait for the next update
    }
  }

  function start() {
    document.getElementById('login').hidden = true;
    document.getElementById('forget').hidden = false;
    status('Loading...');
    refresh();
    if (timer === null) {
      timer = setInterval(refresh, REFRESH_MS);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    takeFragmentToken();
    document.getElementById('login').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = document.getElementById('token');
      const t = input.value.trim();
      input.value = '';
      if (!validToken(t)) {
        status('A token is 16-512 printable characters without spaces.');
        return;
      }
      sessionStorage.setItem(KEY, t);
      start();
    });
    document.getElementById('forget').addEventListener('click', () => forget('Token forgotten.'));
    // A /#token=... pasted into an open tab changes only the fragment: no new load, so take it here too.
    window.addEventListener('hashchange', () => {
      takeFragmentToken();
      if (token() !== null && timer === null) {
        start();
      }
    });
    if (token() === null) {
      showLogin();
    } else {
      start();
    }
  });
}());
