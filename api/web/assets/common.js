// Shared by every page: the token in sessionStorage, API calls with the bearer header,
// the header bar, and small formatting helpers. Everything a user sees is Chinese.

const TOKEN_KEY = 'shequ.token';
const USER_KEY = 'shequ.user';
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `请求失败（${status}）`);
    this.status = status;
    this.code = error.code;
    this.details = error.details || [];
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storedUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

export function saveLogin(tokenValue, user) {
  sessionStorage.setItem(TOKEN_KEY, tokenValue);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user));
}

export function clearLogin() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
}

// Set while logging out: requests still in flight then answer 401 and must not start a second navigation.
let leaving = false;

function toLogin() {
  if (leaving) return;
  leaving = true;
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Call the API; returns {status, body, headers}. Throws ApiError for 4xx/5xx (401 goes to the login page).
 * A POST carries an Idempotency-Key (pass `key` to reuse one when retrying the same request).
 */
export async function api(path, { method = 'GET', json, form, raw = false, allow = [], key } = {}) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (method === 'POST' && !path.startsWith('/auth/')) headers['Idempotency-Key'] = key || idempotencyKey();
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(API + path, { method, headers, body });
  if (response.status === 401 && !path.startsWith('/auth/')) {
    clearLogin();
    toLogin();
    throw new ApiError(401, { error: { message: '登录已失效，请重新登录' } });
  }
  if (raw && response.ok) return response;
  const type = response.headers.get('Content-Type') || '';
  // 204 (e.g. logout) and other empty answers have no body to parse, whatever their Content-Type says
  const text = await response.text();
  const data = type.includes('json') && text ? JSON.parse(text) : text || null;
  if (!response.ok && !allow.includes(response.status)) throw new ApiError(response.status, data);
  return { status: response.status, body: data, headers: response.headers };
}

/**
 * Turns for a view that reloads on every filter change: `const turn = requestTurns();` once, then
 * `const isNewest = turn();` before each request and `if (!isNewest()) return;` after it. An answer that arrives after a later request was made is dropped,
 * so a slow first load can neither add a second table nor overwrite the newer filter's results.
 */
export function requestTurns() {
  let latest = 0;
  return () => {
    latest += 1;
    const mine = latest;
    return () => mine === latest;
  };
}

/** GET returning the body, or null when the route is not there (an endpoint not deployed yet). */
export async function apiOptional(path) {
  const result = await api(path, { allow: [404, 405] });
  return result.status >= 400 ? null : result.body;
}

let mePromise = null;
/** The signed-in user: GET /me when available, else what the login page stored. */
export function me() {
  if (!mePromise) {
    mePromise = apiOptional('/me').then((found) => {
      const stored = storedUser() || {};
      return found ? { ...stored, ...found } : stored;
    });
  }
  return mePromise;
}

export function hasRole(user, ...roles) {
  const mine = new Set(user.roles || []);
  return roles.some((r) => mine.has(r));
}

// Roles that work no lane: they have no inbox of their own.
const OFFICE_ROLES = new Set(['auditor', 'process_owner', 'admin']);

/** Which navigation entries a user has a use for (the API decides what they may do). */
export function navFor(user) {
  const roles = user.roles || [];
  const clerk = !roles.length || roles.some((r) => !OFFICE_ROLES.has(r));
  return {
    inbox: clerk,
    done: clerk,
    started: clerk,
    copies: clerk,
    notifications: true,
    'grid-log': hasRole(user, 'grid_worker', 'community', 'street_office'),
    definitions: hasRole(user, 'process_owner', 'admin', 'auditor'),
    audit: true,
  };
}

/** A person as the pages show them: name, unit (and role when known), never the login id. */
export function personText(person, { role = true } = {}) {
  if (!person) return '';
  if (typeof person === 'string') return person;
  const name = person.display_name || person.name || person.username || '';
  const where = [person.org_name, role ? person.role_name : null].filter(Boolean).join(' · ');
  return where ? `${name}（${where}）` : name;
}

/** The count badge of 我的待办 in the navigation: the inbox's total (X-Total-Count of one row). */
export async function refreshInboxCount(total = null) {
  const link = document.querySelector('#nav a[data-nav=inbox]');
  if (!link || link.hidden) return;
  let count = total;
  if (count === null) {
    const result = await api('/tasks?limit=1', { allow: [400, 404] });
    if (result.status !== 200) return;
    count = Number(result.headers.get('X-Total-Count') || (Array.isArray(result.body) ? result.body.length : 0));
  }
  let badge = link.querySelector('.badge');
  if (!badge) {
    badge = h('span.badge#inbox-count');
    link.append(badge);
  }
  badge.textContent = String(count);
  badge.hidden = !count;
  badge.title = `待办 ${count} 件`;
}

/** Check the login, fill the header bar, and give the page its mount point. */
export async function startPage(active) {
  if (!token()) {
    toLogin();
    return new Promise(() => {});
  }
  const user = await me();
  const nav = document.getElementById('nav');
  const shown = navFor(user);
  for (const link of nav.querySelectorAll('a')) {
    link.hidden = !shown[link.dataset.nav];
    if (link.dataset.nav === active) link.classList.add('active');
  }
  nav.hidden = false;
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    leaving = true;
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // the token is dropped below either way; an expired one cannot be revoked twice
    } finally {
      clearLogin();
      location.assign('/login');
    }
  });
  document.getElementById('who').textContent = user.display_name
    ? [user.display_name, user.org_name].filter(Boolean).join(' · ') : user.username || '';
  if (shown.inbox) refreshInboxCount().catch(() => {});
  const app = document.getElementById('app');
  app.innerHTML = '';
  return { app, user };
}

// -- DOM helpers ---------------------------------------------------------------------------

/** h('div.class#id', {attrs}, ...children) */
export function h(tag, attrs = {}, ...children) {
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || 'div');
  for (const part of rest) {
    if (part.startsWith('.')) el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * An error box with the API's details. pathLabel(path) names a detail's field; null shows the message
 * alone (form messages from the server already name their field by its title).
 */
export function showError(container, error, { pathLabel = (path) => path } = {}) {
  const text = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  const box = h('div.alert.error', { role: 'alert' }, text);
  if (error.details && error.details.length) {
    box.append(h('ul', {}, error.details.map((d) => {
      const label = pathLabel(d.path);
      return h('li', {}, label ? `${label}：${d.message}` : d.message);
    })));
  }
  container.prepend(box);
  return box;
}

/** For the error box of a form: the opinion box by its name; a form field's message names the field itself. */
export function formPathLabel(path) {
  return path === 'comment' ? '办理意见' : null;
}

// -- formatting ----------------------------------------------------------------------------

export function formatTime(value) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function waitingSince(value, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - new Date(value).getTime()) / 60000));
  if (minutes < 1) return '不到 1 分钟';
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} 小时 ${minutes % 60} 分钟`;
  return `${Math.floor(hours / 24)} 天 ${hours % 24} 小时`;
}

export const URGENCY_NAMES = {
  normal: '正常', yellow: '临近到期', red: '即将超期', overdue: '已超期', unknown: '无法计算',
};

/**
 * 剩余时限 of a task, case or list item ({remaining, urgency, deadline}): the text in a badge coloured
 * by urgency (yellow warning, red at the limit and overdue), with the due time in its title; '—' if none.
 */
export function deadlineBadge(item, { id } = {}) {
  if (!item || !item.urgency) return h('span.muted.deadline.none', id ? { id } : {}, '—');
  const title = [URGENCY_NAMES[item.urgency] || item.urgency, item.deadline ? `期限 ${formatTime(item.deadline)}` : '']
    .filter(Boolean).join('，');
  return h(`span.deadline.urgency-${item.urgency}`, { ...(id ? { id } : {}), title, dataset: { urgency: item.urgency } },
    item.remaining || URGENCY_NAMES[item.urgency] || '');
}

export const STATUS_NAMES = {
  running: '办理中', completed: '已办结', terminated: '已终止', error: '异常', suspended: '已挂起',
};

export const COMMAND_NAMES = {
  start: '发起', complete: '办理', engine_step: '自动流转', loop_reset: '退回重办', terminate: '终止',
  suspend: '挂起', resume: '恢复', return: '退回', withdraw: '撤回', transfer: '转办', delegate: '委派',
  resolve: '委派办理', add_signers: '加签', sign: '签署', remove_signer: '减签', submit: '提交（待加签）',
  jump: '跳转', cc: '抄送', urge: '催办', timer: '定时触发',
  timer_fired: '定时触发', clock_paused: '暂停计时', clock_resumed: '恢复计时', deadline_warning: '时限预警',
  deadline_overdue: '超期', extend_deadline: '延期', access_list_enter: '纳入社区事务准入清单', directory_add: '新设社区纳入组织名录', village_convert: '撤销村建制、社区列入组织名录',
  message: '收到消息', signal: '收到信号', message_start: '收到消息并发起', signal_start: '收到信号并发起',
  call: '调用子流程', attach: '上传附件',
};

/** What the engine did in an engine_step, by the element's type (a decision, a message sent, …). */
export const STEP_TYPE_NAMES = {
  businessRuleTask: '规则判定', scriptTask: '自动处理', callActivity: '子流程', sendTask: '发送消息',
  intermediateThrowEvent: '发出事件', endEvent: '结束', startEvent: '开始', boundaryEvent: '边界事件',
  intermediateCatchEvent: '等待事件', exclusiveGateway: '条件分支', parallelGateway: '并行分支',
  inclusiveGateway: '包容分支', eventBasedGateway: '事件分支', subProcess: '子流程', manualTask: '人工处理',
};

let directoryPromise = null;
/** Names of organisations and roles (GET /organisations, /roles when available); ids otherwise. */
export function directory() {
  if (!directoryPromise) {
    directoryPromise = Promise.all([apiOptional('/organisations'), apiOptional('/roles')]).then(([orgs, roles]) => {
      const toMap = (list) => new Map((Array.isArray(list) ? list : []).map((x) => [x.id, x.name]));
      return { orgs: toMap(orgs), roles: toMap(roles) };
    }).catch(() => ({ orgs: new Map(), roles: new Map() }));
  }
  return directoryPromise;
}

export function orgName(dir, id) {
  return (id && dir.orgs.get(id)) || id || '';
}

export function roleName(dir, id) {
  return (id && dir.roles.get(id)) || id || '';
}

/** Who handles a step: its unit and role, by name (the API's names, else the directory's). */
export function holderText(step, dir) {
  const org = step.org_name || orgName(dir, step.org);
  const role = step.role_name || roleName(dir, step.role);
  const unit = [org, role].filter(Boolean).join(' · ');
  return step.assignee_name ? `${step.assignee_name}（${unit}）` : unit;  // held by one user (转办, 加签 …)
}

export function displayValue(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') return JSON.stringify(value, null, 1);
  return String(value);
}

/** The form documents of a definition version ({file name: JSON}), or null when not available. */
export async function fetchForms(key, version) {
  const result = await api(`/process-definitions/${encodeURIComponent(key)}/versions/${version}/forms`,
    { allow: [404, 405] });
  return result.status === 200 ? result.body : null;
}

/**
 * Field titles and choice titles from a version's form documents ({file: JSON Schema}); with the
 * directory, organisation fields (…_org) show the organisation's name.
 */
export function formLabels(forms, dir = null) {
  const titles = {};
  const choices = {};
  const collect = (name, prop) => {
    if (!prop || typeof prop !== 'object') return;
    if (prop.title && !titles[name]) titles[name] = prop.title;
    for (const option of [...(prop.oneOf || []), ...((prop.items && prop.items.oneOf) || [])]) {
      if (option && 'const' in option && option.title) {
        choices[name] = choices[name] || {};
        choices[name][String(option.const)] = option.title;
      }
    }
  };
  for (const doc of Object.values(forms || {})) {
    for (const [name, prop] of Object.entries((doc && doc.properties) || {})) collect(name, prop);
  }
  const value = (name, v) => {
    if (dir && name.endsWith('_org') && typeof v === 'string' && dir.orgs.get(v)) return dir.orgs.get(v);
    const map = choices[name];
    if (map && Array.isArray(v)) return v.map((x) => map[String(x)] || displayValue(x)).join('、');
    if (map && v !== null && v !== undefined && map[String(v)]) return map[String(v)];
    return displayValue(v);
  };
  return { field: (name) => titles[name] || name, titled: (name) => name in titles, value };
}

/**
 * A two-column table of a case's data, labelled with the forms' titles. Values no form asks for
 * (the procedure's own working data, e.g. rules set by a script) are folded away below.
 */
export function dataTable(data, labels = formLabels(null)) {
  const keys = Object.keys(data || {});
  if (!keys.length) return h('p.muted', {}, '（无数据）');
  const known = labels.titled ? keys.filter((k) => labels.titled(k)) : keys;
  const other = keys.filter((k) => !known.includes(k));
  const rows = (list) => h('table.kv', {}, h('tbody', {}, list.map((k) => h('tr', {},
    h('th', {}, labels.field(k)), h('td', {}, labels.value(k, data[k]))))));
  const box = h('div.data-table');
  if (known.length) box.append(rows(known));
  if (other.length) {
    box.append(h('details.internal-data', {}, h('summary', {}, `流程内部数据（${other.length} 项）`), rows(other)));
  }
  return box;
}
