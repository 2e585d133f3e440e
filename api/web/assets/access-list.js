// 社区事务准入清单 (public, no login): which work items communities must take on, with their
// 内容、对象、权限、时限、经费 and approving meeting; an item expires by itself when its 时限 ends.
import { API, h } from './common.js';

const STATUS = [
  { value: '', label: '全部' },
  { value: 'active', label: '有效' },
  { value: 'expired', label: '已过期' },
  { value: 'pending', label: '尚未生效' },
];
const LEVELS = { district: '区', street: '街道', community: '社区' };

async function getJson(path) {
  const response = await fetch(`${API}${path}`, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body && body.error && body.error.message) || `查询失败（${response.status}）`;
    throw new Error(message);
  }
  return { body, total: Number(response.headers.get('X-Total-Count') || 0) };
}

function field(label, value) {
  return [h('dt', {}, label), h('dd', {}, value === null || value === undefined || value === '' ? '—' : String(value))];
}

function entryCard(e) {
  const meeting = [e.meeting_no, e.meeting_date || e.meeting_quarter].filter(Boolean).join('，');
  return h('article.card.entry', { dataset: { entry: e.entry_no, status: e.status } },
    h('h2', {}, e.title, ' ', h(`span.badge.status-${e.status}`, {}, e.status_name)),
    h('dl.meta', {},
      ...field('清单编号', e.entry_no),
      ...field('事项类别', e.item_type_name),
      ...field('内容', e.content),
      ...field('对象', e.target_group),
      ...field('权限', e.authority_scope),
      ...field('时限', `${e.time_limit_months} 个月（${e.time_limit_desc}）`),
      ...field('有效期', `${e.valid_from} 至 ${e.valid_until}`),
      ...field('经费', `${e.funding_amount} 元（${e.funding_source_name}）`),
      ...field('申请部门', e.applicant_department),
      ...field('批准会议', meeting || '领导小组审批'),
      ...field('批准日期', e.approved_on)));
}

async function main() {
  const app = document.getElementById('app');
  app.replaceChildren();
  const params = new URLSearchParams(location.search);
  const org = h('select#filter-org', { name: 'org' }, h('option', { value: '' }, '全部'));
  const status = h('select#filter-status', { name: 'status' },
    STATUS.map((s) => h('option', { value: s.value }, s.label)));
  const q = h('input#filter-q', { name: 'q', type: 'search', placeholder: '事项名称或内容', maxlength: '100' });
  const form = h('form.filters#filters', {},
    h('label', {}, '单位 ', org), h('label', {}, '状态 ', status), h('label', {}, '查找 ', q),
    h('button', { type: 'submit' }, '查询'));
  const summary = h('p.muted#summary');
  const list = h('div#entries');
  app.append(h('section.card', {},
    h('h1', {}, '社区事务准入清单'),
    h('p', {}, '拟进入社区的工作项目由区民政局扎口、报区社区建设领导小组审批，明确内容、对象、权限、时限和经费后列入本清单；',
      '凡未列入清单的工作，社区有权拒绝提供台账或参与达标评比。时限届满的事项自动失效。'),
    form, summary), list);
  try {
    const { body: units } = await getJson('/access-list/units');
    for (const u of units) org.append(h('option', { value: u.id }, `${u.name}（${LEVELS[u.level] || u.level}）`));
  } catch (error) {
    summary.textContent = error.message;
  }
  org.value = params.get('org') || '';
  status.value = params.get('status') || '';
  q.value = params.get('q') || '';

  async function load() {
    const query = new URLSearchParams();
    for (const [name, el] of [['org', org], ['status', status], ['q', q]]) {
      if (el.value.trim()) query.set(name, el.value.trim());
    }
    history.replaceState(null, '', `${location.pathname}${query.toString() ? `?${query}` : ''}`);
    list.replaceChildren();
    summary.textContent = '正在查询…';
    try {
      const { body, total } = await getJson(`/access-list?${query}`);
      summary.textContent = total ? `共 ${total} 项` : '没有符合条件的清单事项。';
      list.append(...body.map(entryCard));
      app.dataset.ready = '1';
    } catch (error) {
      summary.textContent = '';
      list.append(h('div.alert.error', { role: 'alert' }, error.message));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  await load();
}

main();
