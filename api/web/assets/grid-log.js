// 民情日志: a grid worker records what they learn about their grid; the community and street read it,
// and a problem entry starts a 吹哨报到 case prefilled from it.
import { api, h, hasRole, idempotencyKey, showError, startPage } from './common.js';

const KINDS = [
  ['household', '居民家庭状况'], ['risk', '不稳定因素'], ['problem', '社区环境突出问题'], ['key_group', '重点人员'],
];
const KEY_GROUPS = [
  ['hardship', '困难群众'], ['elderly_alone', '高龄独居空巢老人'], ['disabled', '残疾人家庭'],
  ['migrant', '流动人口'], ['assistance', '重点帮扶人员'],
];
// the 问题类别 of the 吹哨报到 start form (forms/whistle_report/start.schema.json)
const CATEGORIES = [
  ['dispute', '矛盾纠纷'], ['safety', '安全隐患（安全生产、公共卫生等）'], ['illegal_building', '私搭乱建、违章建筑、地桩地锁'],
  ['environment', '环境卫生'], ['facilities', '公共设施'], ['livelihood', '民生诉求（困难群众、特殊群体等）'], ['other', '其他'],
];
const FIELD_NAMES = {
  grid_name: '网格', kind: '记录类别', key_group: '重点人员类别', title: '摘要', content: '情况记录', location: '地点',
  person_name: '相关居民姓名', person_phone: '联系电话', recorded_on: '记录日期', category: '问题类别',
};

const options = (pairs, placeholder) => [
  ...(placeholder ? [h('option', { value: '' }, placeholder)] : []),
  ...pairs.map(([value, label]) => h('option', { value }, label)),
];

function field(label, control) {
  return h('label.field', {}, label, control);
}

function today() {
  const now = new Date(Date.now() + 8 * 3600 * 1000); // the district's day (Beijing)
  return now.toISOString().slice(0, 10);
}

function entryForm(onSaved) {
  const kind = h('select', { name: 'kind', required: true }, options(KINDS, '请选择…'));
  const keyGroup = h('select', { name: 'key_group' }, options(KEY_GROUPS, '请选择…'));
  const keyGroupField = field('重点人员类别', keyGroup);
  keyGroupField.hidden = true;
  kind.addEventListener('change', () => { keyGroupField.hidden = kind.value !== 'key_group'; });
  const form = h('form.grid-log-form', { id: 'grid-log-form' },
    h('h2', {}, '记录民情日志'),
    field('网格', h('input', { name: 'grid_name', required: true, maxlength: 50, placeholder: '如：第三网格' })),
    field('记录类别', kind),
    keyGroupField,
    field('摘要', h('input', { name: 'title', required: true, maxlength: 60 })),
    field('情况记录', h('textarea', { name: 'content', required: true, rows: 3, maxlength: 2000 })),
    field('地点（楼栋、门牌）', h('input', { name: 'location', maxlength: 200 })),
    field('相关居民姓名（仅辖区单位可见）', h('input', { name: 'person_name', maxlength: 50 })),
    field('联系电话（仅辖区单位可见）', h('input', { name: 'person_phone', maxlength: 20 })),
    field('记录日期', h('input', { name: 'recorded_on', type: 'date', required: true, value: today() })),
    h('button', { type: 'submit' }, '记录'));
  const key = { value: idempotencyKey() };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.querySelectorAll('.alert').forEach((a) => a.remove());
    const body = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (String(value).trim() !== '') body[name] = String(value).trim();
    }
    if (body.kind !== 'key_group') delete body.key_group;
    try {
      await api('/grid-logs', { method: 'POST', json: body, key: key.value });
      key.value = idempotencyKey();
      form.reset();
      form.querySelector('[name=recorded_on]').value = today();
      keyGroupField.hidden = true;
      form.prepend(h('div.alert.success', { role: 'status' }, '已记录。'));
      onSaved();
    } catch (error) {
      showError(form, error, { pathLabel: (path) => FIELD_NAMES[path] || path });
    }
  });
  return form;
}

function whistleCell(entry, user, reload) {
  if (entry.whistle_instance_id) {
    return h('a', { href: `/cases/${entry.whistle_instance_id}` }, entry.whistle_business_key || '吹哨报到办件');
  }
  if (entry.kind !== 'problem' || !hasRole(user, 'grid_worker')) return h('span.muted', {}, '—');
  const cell = h('div.whistle');
  const open = h('button', { type: 'button', class: 'link' }, '发起吹哨报到');
  open.addEventListener('click', () => {
    open.hidden = true;
    const category = h('select', { name: 'category', required: true }, options(CATEGORIES, '问题类别…'));
    const form = h('form.inline.whistle-form', {}, category, h('button', { type: 'submit' }, '发起'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      form.querySelectorAll('.alert').forEach((a) => a.remove());
      try {
        const { body } = await api(`/grid-logs/${entry.id}/whistle-report`, {
          method: 'POST', json: { category: category.value } });
        location.assign(`/cases/${body.id}`);
      } catch (error) {
        showError(form, error, { pathLabel: (path) => FIELD_NAMES[path] || path });
        reload();
      }
    });
    cell.append(form);
  });
  cell.append(open);
  return cell;
}

function entryTable(entries, user, reload) {
  if (!entries.length) return h('p.muted#grid-log-empty', {}, '还没有民情日志。');
  const head = ['记录日期', '社区·网格', '类别', '摘要', '情况记录', '地点', '相关居民', '吹哨报到'];
  return h('table.list#grid-log-list', {},
    h('thead', {}, h('tr', {}, head.map((label) => h('th', {}, label)))),
    h('tbody', {}, entries.map((e) => {
      const cells = [
        e.recorded_on, `${e.community_name}·${e.grid_name}`,
        e.key_group_name ? `${e.kind_name}（${e.key_group_name}）` : e.kind_name, e.title, e.content, e.location || '—',
        e.personal_data_shown ? [e.person_name, e.person_phone].filter(Boolean).join(' ') || '—' : '（不显示）',
        whistleCell(e, user, reload),
      ];
      return h('tr', { dataset: { entryId: e.id } }, cells.map((cell, i) => h('td', { 'data-label': head[i] }, cell)));
    })));
}

async function main() {
  const { app, user } = await startPage('grid-log');
  const card = h('section.card', {}, h('h1', {}, '民情日志'),
    h('p.muted', {}, '网格员记录网格内居民家庭状况、不稳定因素、社区环境突出问题和重点人员等情况；'
      + '社区和街道可查阅本辖区的记录。姓名、电话等个人信息仅对辖区单位显示。'));
  const list = h('div.grid-log-entries');
  app.append(card);
  const reload = async () => {
    try {
      const { body } = await api('/grid-logs?limit=200');
      list.replaceChildren(entryTable(body, user, reload));
    } catch (error) {
      list.replaceChildren();
      showError(list, error);
    }
  };
  if (hasRole(user, 'grid_worker', 'community')) card.append(entryForm(reload));
  card.append(h('h2', {}, '本辖区的记录'), list);
  await reload();
}

main();
