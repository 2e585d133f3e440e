// 办件回放: the diagram and a step slider over the journal; at each step the state at that point,
// beside the entry (who, when, what, the data that changed); and verifying the case's journal.
import {
  api, dataTable, directory, formatTime, h, orgName, showError, startPage, STATUS_NAMES,
  formLabels,
} from './common.js';
import { colour, diagramUnavailable, fetchForms, fetchXml, flowsUpTo, legend, normaliseState, showDiagram } from './diagram.js';
import { actorText, commandName, fetchHistory } from './history.js';

function changes(before, after, labels) {
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])]
    .filter((k) => JSON.stringify((before || {})[k]) !== JSON.stringify((after || {})[k]));
  if (!keys.length) return h('p.muted', {}, '本步没有改变办件数据。');
  return h('table.kv.changes#changes', {}, h('thead', {}, h('tr', {}, h('th', {}, '字段'), h('th', {}, '原值'), h('th', {}, '新值'))),
    h('tbody', {}, keys.map((k) => h('tr', {}, h('th', {}, labels.field(k)),
      h('td.old', {}, labels.value(k, (before || {})[k])), h('td.new', {}, labels.value(k, (after || {})[k]))))));
}

/** The command's name and what it did, without saying the name twice ("签署：同意", not "签署：签署：同意"). */
function operationText(entry) {
  const name = commandName(entry.command);
  if (!entry.detail) return name;
  return entry.detail.startsWith(name) ? entry.detail : `${name}：${entry.detail}`;
}

async function main() {
  const { app } = await startPage('audit');
  const id = Number(app.dataset.instanceId);
  const dir = await directory();
  let instance;
  let entries;
  try {
    instance = (await api(`/process-instances/${id}`)).body;
    entries = await fetchHistory(id);
  } catch (error) {
    showError(app, error);
    return;
  }
  const verifyButton = h('button.primary#verify', { type: 'button' }, '校验办件');
  const verifyResult = h('div#verify-result', { role: 'status' });
  app.append(h('section.card', {},
    h('h1', {}, `办件回放：${instance.business_key || `#${id}`}`),
    h('dl.meta', {},
      h('dt', {}, '流程'), h('dd', {}, `${instance.definition_name}（第 ${instance.definition_version} 版）`),
      h('dt', {}, '状态'), h('dd', {}, STATUS_NAMES[instance.status] || instance.status, instance.end_event ? `：${instance.end_event}` : ''),
      h('dt', {}, '所属单位'), h('dd', {}, orgName(dir, instance.org))),
    h('div.button-row', {}, verifyButton, h('a.button', { href: `/cases/${id}` }, '办件详情'),
      h('a.button', { href: '/audit' }, '返回查询')),
    verifyResult));
  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    verifyResult.className = '';
    verifyResult.textContent = '正在校验…';
    try {
      const { body } = await api(`/process-instances/${id}/verify`, { method: 'POST' });
      if (body.ok) {
        verifyResult.className = 'alert success';
        verifyResult.textContent = `校验通过：${body.entries} 条记录哈希链完整，重放结果与存档状态一致。`;
      } else {
        verifyResult.className = 'alert error';
        verifyResult.textContent = `校验未通过：${body.first_bad_seq ? `第 ${body.first_bad_seq} 条记录` : ''}${body.reason ? `，${body.reason}` : ''}`;
      }
    } catch (error) {
      verifyResult.className = 'alert error';
      verifyResult.textContent = `校验失败：${error.message}`;
    } finally {
      verifyButton.disabled = false;
    }
  });

  if (!entries) {
    app.append(h('section.card', {}, h('p.muted', {}, '办件历史接口尚未提供，无法回放。')));
    return;
  }
  const canvas = h('div.diagram#diagram');
  const slider = h('input#step', { type: 'range', min: 1, max: entries.length, value: entries.length, step: 1 });
  const label = h('span#step-label');
  const prev = h('button#prev', { type: 'button' }, '上一步');
  const next = h('button#next', { type: 'button' }, '下一步');
  const entryPane = h('section.card.entry#entry');
  app.append(h('div.replay', {},
    h('section.card.replay-diagram', {}, legend(), canvas, h('div.slider', {}, prev, slider, next, label)),
    entryPane));

  const forms = await fetchForms(instance.definition_key, instance.definition_version).catch(() => null);
  const labels = formLabels(forms, dir);
  let viewer = null;
  try {
    viewer = await showDiagram(canvas, await fetchXml(instance.definition_key, instance.definition_version), dir);
    canvas.dataset.ready = 'true';
  } catch (error) {
    diagramUnavailable(canvas, error);
  }

  const states = new Map();
  const stateAt = (seq) => {
    if (seq < 1) return Promise.resolve({ completed: [], active: [], data: {} });
    if (!states.has(seq)) {
      states.set(seq, api(`/process-instances/${id}/history/${seq}/state`).then((r) => normaliseState(r.body))
        .catch((error) => { states.delete(seq); throw error; }));
    }
    return states.get(seq);
  };

  let shown = 0;
  const show = async (index) => {
    const ticket = ++shown;
    const entry = entries[index - 1];
    label.textContent = `第 ${index} / ${entries.length} 步`;
    prev.disabled = index <= 1;
    next.disabled = index >= entries.length;
    entryPane.innerHTML = '';
    entryPane.append(...[h('h2', {}, `第 ${entry.seq} 条：${commandName(entry.command, entry)}${entry.element_name ? `「${entry.element_name}」` : ''}`),
      h('dl.meta#entry-meta', {},
        h('dt', {}, '时间'), h('dd', {}, formatTime(entry.at)),
        // people by name, with the role and unit they acted as (the API's names; the login id only as a fallback)
        h('dt', {}, '办理人'), h('dd#entry-actor', {}, entry.actor && entry.actor !== 'system' ? actorText(entry, dir) : '系统（自动流转）'),
        h('dt', {}, '操作'), h('dd#entry-operation', {}, operationText(entry)),
        h('dt', {}, '环节'), h('dd', {}, entry.element_name || entry.element_id || '—')),
      entry.comment ? h('blockquote.opinion', {}, `意见：${entry.comment}`) : null].filter(Boolean));
    try {
      const [before, after] = await Promise.all([stateAt(entry.seq - 1), stateAt(entry.seq)]);
      if (ticket !== shown) return;
      if (viewer) colour(viewer, after, after.flows_taken || flowsUpTo(entries, entry.seq));
      entryPane.append(h('h3', {}, '变更的数据'),
        after.data ? changes(before.data, after.data, labels) : dataTable((entry.payload && entry.payload.data) || {}, labels));
      if (after.finished) entryPane.append(h('p', {}, `此时办件已办结${after.end_event ? `：${after.end_event}` : ''}。`));
      entryPane.dataset.seq = String(entry.seq);
    } catch (error) {
      if (ticket === shown) showError(entryPane, error);
    }
  };
  slider.addEventListener('input', () => show(Number(slider.value)));
  prev.addEventListener('click', () => { slider.value = String(Number(slider.value) - 1); show(Number(slider.value)); });
  next.addEventListener('click', () => { slider.value = String(Number(slider.value) + 1); show(Number(slider.value)); });
  show(entries.length);
}

main();
