// The aid totals dashboard: loads the breakdowns over the API, then keeps them live from the
// feed (WebSocket /v1/aid-totals/feed: a snapshot, then updates of the rows that changed).
// The access token comes from the sign-in form, or once from the URL fragment (#token=...,
// never sent to the server), and is kept in this tab's sessionStorage only.
'use strict';

const state = {
  token: null,
  rows: new Map(),         // "dimension|period|item" -> BigInt fen (all-time rows, daily totals)
  countyNames: new Map(),  // county id -> name
  trendDays: [],           // "YYYY-MM-DD" of the trend, in order
  charts: {},
  refreshTimer: null,
  socket: null,
  retryMs: 1000,
};

function $(id) { return document.getElementById(id); }
function rowKey(dimension, period, item) { return dimension + '|' + period + '|' + item; }
function row(dimension, period, item) { return state.rows.get(rowKey(dimension, period, item)) || 0n; }
// For chart heights only (the exact figures are BigInt): yuan as a Number.
function chartYuan(fen) { return Number(fen / 100n); }

function takeToken() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromFragment = fragment.get('token');
  if (fromFragment) {
    sessionStorage.setItem('huicai.token', fromFragment);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem('huicai.token');
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: 'Bearer ' + state.token } });
  if (response.status === 401) { signOut(); throw new Error('signed out'); }
  if (!response.ok) throw new Error(path + ': ' + response.status);
  return parseMoneyJson(await response.text());
}

function signOut() {
  sessionStorage.removeItem('huicai.token');
  sessionStorage.removeItem('huicai.refresh');
  state.token = null;
  if (state.socket) state.socket.close();
  $('board').hidden = true;
  $('sign-in').hidden = false;
}

function renderTotal() {
  const total = row('total', '', '');
  $('total-chinese').textContent = chineseUnits(total, 2);
  $('total-exact').textContent = exactYuan(total);
  const direct = row('class', '', 'direct');
  const helpSell = row('class', '', 'help_sell');
  $('direct').textContent = chineseUnits(direct, 2) + ' (' + exactYuan(direct) + ')';
  $('help-sell').textContent = chineseUnits(helpSell, 2) + ' (' + exactYuan(helpSell) + ')';
  state.charts.split.setOption({
    animation: false,  // a live board redraws on every frame: no growing bars each time
    series: [{ type: 'pie', radius: ['45%', '75%'], label: { color: '#e6edf7' },
      data: [{ name: '直接采购', value: chartYuan(direct) }, { name: '帮助销售', value: chartYuan(helpSell) }] }],
  });
}

function renderCounties() {
  const counties = [];
  for (const [key, fen] of state.rows) {
    const [dimension, period, item] = key.split('|');
    if (dimension === 'county' && period === '') counties.push({ item, fen });
  }
  counties.sort((a, b) => (a.fen < b.fen ? 1 : a.fen > b.fen ? -1 : 0));
  state.charts.counties.setOption({
    animation: false,
    grid: { left: 10, right: 20, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: 'value', axisLabel: { color: '#9fb0c8' } },
    yAxis: { type: 'category', inverse: true, axisLabel: { color: '#e6edf7' },
      data: counties.map((c) => state.countyNames.get(c.item) || '县 ' + c.item) },
    tooltip: { trigger: 'axis', formatter: (p) => p[0].name + '<br>' + exactYuan(counties[p[0].dataIndex].fen) },
    series: [{ type: 'bar', itemStyle: { color: '#ffd34d' }, data: counties.map((c) => chartYuan(c.fen)) }],
  });
  if (counties.some((c) => !state.countyNames.has(c.item))) scheduleRefresh();
}

function renderTrend() {
  const days = state.trendDays;
  state.charts.trend.setOption({
    animation: false,
    grid: { left: 90, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: days, axisLabel: { color: '#9fb0c8' } },
    yAxis: { type: 'value', axisLabel: { color: '#9fb0c8' } },
    tooltip: { trigger: 'axis', formatter: (p) => p[0].name + '<br>' + exactYuan(row('total', p[0].name, '')) },
    series: [{ type: 'line', smooth: true, areaStyle: {}, data: days.map((d) => chartYuan(row('total', d, ''))) }],
  });
}

function fillTable(tbody, rows) {
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell.text;
      if (cell.className) td.className = cell.className;
      tr.appendChild(td);
    }
    return tr;
  }));
}

async function loadCounties() {
  const breakdown = await api('/v1/aid-totals/breakdowns/county');
  for (const item of breakdown.items) {
    if (item.name) state.countyNames.set(item.item, item.name);
    state.rows.set(rowKey('county', '', item.item), item.amount_fen);
  }
}

async function loadTrend() {
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);  // China's month
  const series = await api('/v1/aid-totals/series/day?within=' + month);
  state.trendDays = series.items.map((p) => p.item);
  for (const point of series.items) state.rows.set(rowKey('total', point.item, ''), point.amount_fen);
}

async function loadSubsidiaries() {
  try {
    // The roll-ups start at the group (the largest root when a database holds several).
    const tops = await api('/v1/aid-totals/units');
    const group = tops.items[0];
    if (!group) throw new Error('no units');
    const rollup = await api('/v1/aid-totals/units/' + group.unit_id);
    fillTable($('subsidiary-table').tBodies[0], rollup.children.map((c) => [
      { text: c.name }, { text: chineseUnits(c.total_fen, 2) }, { text: exactYuan(c.total_fen) }]));
    $('subsidiary-note').textContent = rollup.name + ' 合计 ' + exactYuan(rollup.total_fen);
  } catch (error) {
    $('subsidiary-note').textContent = '暂无 (unavailable: ' + error.message + ')';
  }
}

async function loadCompliance() {
  const year = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 4);
  $('compliance-year').textContent = year;
  const response = await fetch('/v1/aid-totals/reserved-share?year=' + year,
    { headers: { Authorization: 'Bearer ' + state.token } });
  if (response.status !== 200) {
    fillTable($('compliance-table').tBodies[0], []);
    $('compliance-note').textContent = 'not filed (未填报)';
    return;
  }
  const share = parseMoneyJson(await response.text());
  fillTable($('compliance-table').tBodies[0], share.units.map((u) => [
    { text: u.unit_name }, { text: chineseUnits(u.target_fen, 2) }, { text: chineseUnits(u.purchased_fen, 2) },
    { text: (u.compliance_basis_points / 100).toFixed(2) + '%', className: u.below_target ? 'below' : '' }]));
  $('compliance-note').textContent = share.below_target.length + ' below target';
}

// Breakdowns the feed does not carry whole (subsidiary roll-ups, compliance, names) are read
// again at most every 5 s while updates arrive.
function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    await Promise.allSettled([loadCounties(), loadSubsidiaries(), loadCompliance()]);
    renderCounties();
  }, 5000);
}

function applyFrame(frame) {
  if (frame.type === 'snapshot') {
    for (const key of [...state.rows.keys()]) if (key.split('|')[1] === '') state.rows.delete(key);
  }
  let trendChanged = false;
  for (const change of frame.changes) {
    state.rows.set(rowKey(change.dimension, change.period, change.item), change.amount_fen);
    if (change.dimension === 'total' && change.period.length === 10) {
      if (!state.trendDays.includes(change.period)) { state.trendDays.push(change.period); state.trendDays.sort(); }
      trendChanged = true;
    }
  }
  renderTotal();
  renderCounties();
  if (trendChanged) renderTrend();
  if (frame.type === 'update') scheduleRefresh();
  $('feed-status').dataset.seq = String(frame.seq);
}

function connectFeed() {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(scheme + '//' + window.location.host + '/v1/aid-totals/feed',
    ['huicai.aid-totals.v1', 'huicai.bearer.' + state.token]);
  state.socket = socket;
  socket.onopen = () => { state.retryMs = 1000; $('feed-status').textContent = '实时 Live'; $('feed-status').className = 'status live'; };
  socket.onmessage = (event) => applyFrame(parseMoneyJson(event.data));
  socket.onclose = () => {
    $('feed-status').textContent = '重连中 Reconnecting';
    $('feed-status').className = 'status';
    if (!state.token) return;
    setTimeout(connectFeed, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 30000);
  };
}

async function start() {
  $('sign-in').hidden = true;
  $('board').hidden = false;
  state.charts.split = echarts.init($('class-chart'));
  state.charts.counties = echarts.init($('county-chart'));
  state.charts.trend = echarts.init($('trend-chart'));
  // A chart whose drawing (animation included) has finished says so on its element, so that a
  // screenshot can wait for it.
  for (const chart of Object.values(state.charts)) {
    chart.on('finished', () => { chart.getDom().dataset.drawn = 'yes'; });
  }
  try {
    const totals = await api('/v1/aid-totals');
    state.rows.set(rowKey('total', '', ''), totals.total_fen);
    state.rows.set(rowKey('class', '', 'direct'), totals.direct_fen);
    state.rows.set(rowKey('class', '', 'help_sell'), totals.help_sell_fen);
    renderTotal();
  } catch (error) {
    $('feed-status').textContent = '错误 ' + error.message;
    return;
  }
  await Promise.allSettled([loadCounties(), loadTrend(), loadSubsidiaries(), loadCompliance()]);
  renderCounties();
  renderTrend();
  connectFeed();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('huicai.token', $('token-input').value.trim());
  state.token = takeToken();
  start();
});

state.token = takeToken();
if (state.token) start(); else $('sign-in').hidden = false;
