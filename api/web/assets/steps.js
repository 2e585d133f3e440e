// A case's submissions grouped by step (GET /process-instances/{id}/steps): each step once, in the order
// the case first reached it, its latest round open and the rounds before a 退回 folded beneath it.
// Shared by the task page (what the reviewer reviews) and the case page.
import { api, formatTime, h, personText } from './common.js';

/** The case's submissions: {steps (in order), auto_steps (how many engine moves), actions}. */
export async function fetchSteps(instanceId) {
  return (await api(`/process-instances/${instanceId}/steps`)).body;
}

const shown = (field) => {
  const value = field.display_value !== undefined && field.display_value !== null ? field.display_value : field.value;
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

function fieldsTable(fields) {
  const rows = (fields || []).map((f) => [f.title || f.name, shown(f)]).filter(([, v]) => v !== null);
  if (!rows.length) return null;
  return h('table.kv.step-fields', {}, h('tbody', {}, rows.map(([title, value]) => h('tr', {}, h('th', {}, title), h('td', {}, value)))));
}

/** One submission: who (name, unit, role), when, the opinion, the data given. */
export function stepCard(step) {
  return h('article.step', { dataset: { seq: step.seq, element: step.element_id || '', round: step.round || 1 } },
    h('div.step-meta', {},
      h('span.actor', {}, personText(step.actor)),
      h('time', { datetime: step.at || '' }, formatTime(step.at)),
      (step.round || 1) > 1 ? h('span.tag', {}, `第 ${step.round} 次`) : null),
    step.comment ? h('blockquote.opinion', {}, h('span.label', {}, '审批意见：'), step.comment) : null,
    fieldsTable(step.fields));
}

/** Group human steps by element (in the order the case first reached each); latest round first. */
export function groupSteps(steps) {
  const groups = new Map();
  for (const step of steps) {
    const key = step.element_id || (step.kind === 'start' ? '__start' : `seq-${step.seq}`);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(step);
  }
  return [...groups.values()].map((rounds) => [...rounds].sort((a, b) => b.seq - a.seq));
}

/**
 * The steps panel: each step once with its rounds; the engine's own moves (自动流转: gateways, scripts)
 * are only counted here, the journal lists them. Returns an element with id "steps".
 */
export function stepsPanel(record, { emptyText = '尚无办理记录。' } = {}) {
  const steps = (record && record.steps) || [];
  if (!steps.length) return h('p.muted#steps', {}, emptyText);
  const list = h('ol.step-groups');
  for (const rounds of groupSteps(steps)) {
    const [latest, ...earlier] = rounds;
    const title = latest.name || latest.form_title || '办理';
    list.append(h('li.step-group', { dataset: { element: latest.element_id || '' } },
      h('h3', {}, title,
        latest.form_title && latest.form_title !== title ? h('span.muted.form-title', {}, `　${latest.form_title}`) : null,
        earlier.length ? h('span.tag.rounds', {}, `共办理 ${rounds.length} 次`) : null),
      stepCard(latest),
      earlier.length ? h('details.earlier-rounds', {},
        h('summary', {}, `此前 ${earlier.length} 次办理（退回前）`),
        earlier.map(stepCard)) : null));
  }
  const box = h('div.steps#steps', {}, list);
  const actions = (record && record.actions) || [];
  if (actions.length) {  // 退回, 转办, 加签, 抄送, 催办 … and case administration, in the order they happened
    box.append(h('section.step-actions#step-actions', {}, h('h3', {}, '审批操作'), h('ol.actions', {}, actions.map((a) =>
      h('li.action', { dataset: { seq: a.seq, command: a.command } },
        h('div.step-meta', {}, h('strong', {}, a.label), a.element_name ? h('span', {}, `「${a.element_name}」`) : null,
          h('span.actor', {}, personText(a.actor)), h('time', { datetime: a.at || '' }, formatTime(a.at))),
        a.detail ? h('div.detail', {}, a.detail) : null,
        a.comment ? h('blockquote.opinion', {}, h('span.label', {}, '意见：'), a.comment) : null)))));
  }
  if (record.auto_steps) box.append(h('p.muted.auto-steps', {}, `另有 ${record.auto_steps} 步系统自动流转（网关、脚本等），已折叠。`));
  return box;
}

/** The record lines of the 审批表 (print): every submission, in the order they happened. */
export function recordRows(record) {
  return [...((record && record.steps) || [])].sort((a, b) => a.seq - b.seq);
}
