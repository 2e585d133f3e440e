// 办件查询: search cases (GET /process-instances with filters), open a case's replay.
import { api, directory, formatTime, h, orgName, requestTurns, showError, startPage, STATUS_NAMES } from './common.js';

const PAGE = 20;

function field(label, input) {
  return h('label.field', {}, h('span', {}, label), input);
}

async function main() {
  const { app } = await startPage('audit');
  const dir = await directory();
  const definitions = (await api('/process-definitions')).body;
  const businessKey = h('input#business-key', { name: 'business_key', placeholder: '完整办件编号' });
  const definition = h('select#definition-key', { name: 'definition_key' }, h('option', { value: '' }, '全部流程'),
    definitions.map((d) => h('option', { value: d.key }, d.name)));
  const status = h('select#status', { name: 'status' }, h('option', { value: '' }, '全部状态'),
    Object.entries(STATUS_NAMES).map(([value, label]) => h('option', { value }, label)));
  const from = h('input', { type: 'date', name: 'started_from' });
  const to = h('input', { type: 'date', name: 'started_to' });
  const results = h('div#results');
  let offset = 0;
  const turn = requestTurns();

  const search = async () => {
    const isNewest = turn();
    const params = new URLSearchParams({ limit: PAGE, offset, sort: 'created_at', order: 'desc' });
    if (businessKey.value.trim()) params.set('business_key', businessKey.value.trim());
    if (definition.value) params.set('definition_key', definition.value);
    if (status.value) params.set('status', status.value);
    if (from.value) params.set('started_from', from.value);
    if (to.value) params.set('started_to', to.value);
    results.setAttribute('aria-busy', 'true');
    let result;
    try {
      result = await api(`/process-instances?${params}`, { allow: [404, 405] });
    } catch (error) {
      if (!isNewest()) return;
      results.replaceChildren();
      results.removeAttribute('aria-busy');
      showError(results, error);
      return;
    }
    if (!isNewest()) return;
    results.replaceChildren();
    results.removeAttribute('aria-busy');
    if (result.status !== 200) {
      results.append(h('p.muted', {}, '办件列表接口尚未提供；可在下方按办件序号直接打开回放。'));
      return;
    }
    const total = Number(result.headers.get('X-Total-Count') || result.body.length);
    if (!result.body.length) {
      results.append(h('p.muted', {}, '没有符合条件的办件。'));
      return;
    }
    results.append(h('p.muted', {}, `共 ${total} 件，显示第 ${offset + 1}–${offset + result.body.length} 件`),
      h('table.list#cases', {},
        h('thead', {}, h('tr', {}, ['办件编号', '流程', '所属单位', '状态', '发起人', '发起时间', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, result.body.map((c) => h('tr', { dataset: { id: c.id } },
          h('td', {}, c.business_key || `#${c.id}`),
          h('td', {}, c.definition_name || c.definition_key),
          h('td', {}, orgName(dir, c.org)),
          h('td', {}, STATUS_NAMES[c.status] || c.status, c.end_event ? `（${c.end_event}）` : ''),
          h('td', {}, c.started_by ? c.started_by.display_name : ''),
          h('td', {}, formatTime(c.created_at)),
          h('td', {}, h('a.button.primary', { href: `/audit/cases/${c.id}` }, '回放'), ' ',
            h('a.button', { href: `/cases/${c.id}` }, '详情')))))),
      h('div.button-row', {},
        offset > 0 ? h('button', { type: 'button', onClick: () => { offset = Math.max(0, offset - PAGE); search(); } }, '上一页') : null,
        offset + PAGE < total ? h('button', { type: 'button', onClick: () => { offset += PAGE; search(); } }, '下一页') : null));
  };

  const form = h('form.filters', {
    onSubmit: (event) => {
      event.preventDefault();
      offset = 0;
      search();
    },
  }, field('办件编号', businessKey), field('流程', definition), field('状态', status),
  field('发起日期从', from), field('至', to), h('button.primary', { type: 'submit' }, '查询'));

  const caseId = h('input#case-id', { type: 'number', min: 1, placeholder: '办件序号' });
  const open = h('form.inline', {
    onSubmit: (event) => {
      event.preventDefault();
      if (caseId.value) location.assign(`/audit/cases/${Number(caseId.value)}`);
    },
  }, caseId, h('button', { type: 'submit' }, '打开回放'));

  app.append(h('section.card', {}, h('h1', {}, '办件查询'), form, results),
    h('section.card', {}, h('h2', {}, '按序号打开'), open));
  search();
}

main();
