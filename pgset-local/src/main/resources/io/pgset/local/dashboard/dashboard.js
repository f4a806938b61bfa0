// The pgset dashboard: reads the cluster's API token from the URL's fragment (which the browser
// never sends), keeps it for this tab only, and streams the controller's frames with it as an
// Authorization header. Served from the jar; no library, no network beyond this page's server.
'use strict';
(function () {
  const TOKEN_KEY = 'pgset-dashboard-token';
  const WINDOW_MS = 5 * 60 * 1000;
  const SVG = 'http://www.w3.org/2000/svg';
  let current = null; // the AbortController of the stream in use
  let lastFrameAt = 0;
  let live = false; // a stream is open and answered

  const $ = (id) => document.getElementById(id);

  function token() {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    const given = fragment.get('token');
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given);
      history.replaceState(null, '', location.pathname); // out of the address bar and the history
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function connect() {
    if (current) current.abort();
    const abort = new AbortController();
    current = abort;
    const secret = token();
    if (!secret) {
      refuse('No token: open the URL that `pgset dashboard NAME` prints; its #token= part lets this page in.');
      return;
    }
    let response;
    try {
      response = await fetch('/api/stream', {
        headers: { Authorization: 'Bearer ' + secret }, cache: 'no-store', signal: abort.signal });
    } catch (e) {
      retry(abort, 'the controller does not answer (' + e.message + ')');
      return;
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      refuse('The token was refused (401): this page shows nothing without the cluster\'s API token. '
        + 'Open the URL that `pgset dashboard NAME` prints.');
      return;
    }
    if (!response.ok) {
      retry(abort, 'HTTP ' + response.status + ': ' + (await response.text()).trim());
      return;
    }
    show($('problem'), '');
    live = true;
    connection('live', 'ok');
    await read(response, abort);
    retry(abort, 'the stream ended');
  }

  async function read(response, abort) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, end).split('\n')
            .filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          buffer = buffer.slice(end + 2);
          if (data && current === abort) render(JSON.parse(data));
        }
      }
    } catch (e) {
      // aborted, or the connection broke: the caller reconnects unless this stream was replaced
    }
  }

  function retry(abort, why) {
    if (current !== abort || abort.signal.aborted) return;
    live = false;
    connection('reconnecting: ' + why + ' (the controller may have restarted: run `pgset dashboard NAME` again)', 'warn');
    setTimeout(() => { if (current === abort) connect(); }, 1000);
  }

  function refuse(why) {
    live = false;
    clear();
    show($('problem'), why);
    connection('no data', 'bad');
  }

  function connection(text, kind) {
    $('connection').textContent = text;
    $('connection').className = 'connection ' + kind;
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  function clear() {
    $('instances').tBodies[0].replaceChildren();
    $('events').replaceChildren();
    $('legend').replaceChildren();
    ['chart-lag', 'chart-connections', 'chart-tps'].forEach((id) => $(id).replaceChildren());
    $('summary').textContent = '';
    show($('message'), '');
    delete document.body.dataset.primary;
    delete document.body.dataset.primarySince;
  }

  function render(frame) {
    lastFrameAt = Date.now();
    if (live) connection('live', 'ok');
    document.title = frame.cluster + ' - pgset';
    $('cluster').textContent = frame.cluster;
    $('phase').textContent = frame.phase;
    $('phase').className = 'phase ' + frame.phase.toLowerCase();
    $('summary').textContent = (frame.primary ? 'primary ' + frame.primary : 'no primary') + ' \u00b7 '
      + frame.readyInstances + ' of ' + frame.instances + ' ready \u00b7 updated ' + clock(frame.at);
    show($('message'), frame.message);
    if (document.body.dataset.primary !== frame.primary) {
      document.body.dataset.primary = frame.primary;
      document.body.dataset.primarySince = String(Date.now()); // when this page first showed it
    }
    const colours = new Map(frame.pods.map((p) => [p.name, 's' + (ordinal(p.name) % 6)]));
    replaceIfChanged($('instances').tBodies[0], frame.pods.map((p) => row(p, frame.capacityBytes, colours)));
    $('legend').replaceChildren(...frame.pods.map((p) => element('span', colours.get(p.name), '\u25a0 ' + p.name)));
    chart($('chart-lag'), frame, colours, (s) => s.lagBytes, bytes);
    chart($('chart-connections'), frame, colours, (s) => s.connections, (v) => String(Math.round(v)));
    chart($('chart-tps'), frame, colours, (s) => s.tps, (v) => v.toFixed(1));
    replaceIfChanged($('events'), frame.events.slice().reverse().map(event));
  }

  /** Leaves the rows alone while they read the same, so that a selection in them survives the updates. */
  function replaceIfChanged(parent, children) {
    const fresh = document.createElement(parent.tagName);
    fresh.replaceChildren(...children);
    if (fresh.innerHTML !== parent.innerHTML) parent.replaceChildren(...fresh.childNodes);
  }

  function row(p, capacity, colours) {
    const tr = document.createElement('tr');
    tr.dataset.pod = p.name;
    tr.dataset.role = p.role;
    tr.dataset.ready = String(p.ready);
    const name = element('td', 'name ' + colours.get(p.name), p.name);
    const role = element('td', 'role ' + p.role, p.role);
    const ready = element('td', p.ready ? 'ready yes' : 'ready no', p.ready ? 'yes' : 'no');
    if (p.message) ready.append(element('div', 'why', p.message));
    const lag = element('td', 'lag number', p.role === 'replica' ? bytes(p.lagBytes) + ' \u00b7 '
      + p.lagSeconds.toFixed(1) + ' s' : '\u2014');
    const connections = element('td', 'connections number', p.connections < 0 ? '?' : String(p.connections));
    const tps = element('td', 'tps number', p.tps < 0 ? '\u2026' : p.tps.toFixed(1));
    tr.append(name, role, ready, element('td', 'timeline number', String(p.timeline)), lag, connections, tps,
      volume(p, capacity));
    return tr;
  }

  function volume(p, capacity) {
    const share = capacity > 0 ? Math.min(1, p.volumeBytes / capacity) : 0;
    const bar = element('div', share > 0.85 || p.volumeFull ? 'bar high' : 'bar', '');
    const fill = document.createElement('div');
    fill.style.width = (share * 100).toFixed(1) + '%';
    bar.append(fill);
    const text = bytes(p.volumeBytes) + ' of ' + bytes(capacity) + ' (' + Math.round(share * 100) + '%)'
      + (p.freeBytes >= 0 ? ', ' + bytes(p.freeBytes) + ' free on disk' : '') + (p.volumeFull ? ', FULL' : '');
    const cell = element('td', 'volume-cell', '');
    const box = element('div', 'volume', '');
    box.append(bar, element('span', 'number', text));
    cell.append(box);
    return cell;
  }

  function event(e) {
    const li = element('li', e.severity === 'Warning' ? 'warning' : 'normal', '');
    li.append(element('time', '', clock(Date.parse(e.at))), element('span', 'reason', e.reason),
      element('span', 'text', (e.pod ? e.pod + ': ' : '') + e.message));
    return li;
  }

  /** One line per instance over the last five minutes; unknown values (-1) leave gaps. */
  function chart(svg, frame, colours, value, format) {
    const W = 320, H = 120, LEFT = 44, TOP = 8, BOTTOM = 16;
    const end = frame.history.length ? frame.history[frame.history.length - 1].at : frame.at;
    const start = end - WINDOW_MS;
    let max = 0;
    frame.history.forEach((s) => Object.values(s.pods).forEach((p) => { max = Math.max(max, value(p)); }));
    max = max > 0 ? max * 1.1 : 1;
    const x = (t) => LEFT + (W - LEFT - 4) * (t - start) / WINDOW_MS;
    const y = (v) => TOP + (H - TOP - BOTTOM) * (1 - v / max);
    const parts = [line(LEFT, y(0), W - 4, y(0)), line(LEFT, TOP, LEFT, y(0)),
      text(LEFT - 4, TOP + 8, format(max), 'end'), text(LEFT - 4, y(0), '0', 'end'),
      text(LEFT, H - 2, '-5 min', 'start'), text(W - 4, H - 2, 'now', 'end')];
    frame.pods.forEach((pod) => {
      let points = [];
      const flush = () => {
        if (points.length) parts.push(svgElement('polyline', { points: points.join(' '), class: colours.get(pod.name) }));
        points = [];
      };
      frame.history.forEach((s) => {
        const p = s.pods[pod.name];
        if (!p || value(p) < 0) { flush(); return; }
        points.push(x(s.at).toFixed(1) + ',' + y(value(p)).toFixed(1));
      });
      flush();
    });
    svg.replaceChildren(...parts);
  }

  function line(x1, y1, x2, y2) {
    return svgElement('line', { x1, y1, x2, y2, class: 'axis' });
  }

  function text(x, y, content, anchor) {
    const t = svgElement('text', { x, y, 'text-anchor': anchor });
    t.textContent = content;
    return t;
  }

  function svgElement(name, attributes) {
    const e = document.createElementNS(SVG, name);
    Object.entries(attributes).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }

  function element(name, className, content) {
    const e = document.createElement(name);
    if (className) e.className = className;
    if (content) e.textContent = content;
    return e;
  }

  function ordinal(name) {
    const n = parseInt(name.slice(name.lastIndexOf('-') + 1), 10);
    return Number.isNaN(n) ? 0 : n;
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(Math.round(n)) : n.toFixed(1)) + ' ' + units[i];
  }

  function clock(millis) {
    return new Date(millis).toLocaleTimeString([], { hour12: false });
  }

  setInterval(() => {
    if (live && lastFrameAt && Date.now() - lastFrameAt > 5000) {
      connection('no update for ' + Math.round((Date.now() - lastFrameAt) / 1000) + ' s', 'warn');
    }
  }, 1000);
  window.addEventListener('hashchange', connect);
  connect();
})();
