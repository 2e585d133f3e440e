// 办件详情: the diagram coloured by the case's state, the timeline with opinions, attachments, current data.
import {
  api, ApiError, dataTable, directory, formatTime, h, orgName, roleName, showError, startPage, STATUS_NAMES,
  formLabels,
} from './common.js';
import { colour, diagramUnavailable, fetchForms, fetchXml, flowsUpTo, legend, normaliseState, showDiagram } from './diagram.js';
import { fetchHistory, timeline } from './history.js';
import { attachmentsCard } from './attachments.js';
import { mountCaseOperations } from './operations.js';

async function currentState(instance, entries) {
  if (entries && entries.length) {
    const last = entries[entries.length - 1].seq;
    const result = await api(`/process-instances/${instance.id}/history/${last}/state`, { allow: [404, 405] });
    if (result.status === 200) return normaliseState(result.body);
  }
  // Without the state endpoint: the open tasks are active, every journalled element is done.
  const active = instance.active_tasks.map((t) => t.element_id);
  const completed = (entries || []).map((e) => e.element_id).filter(Boolean);
  return { active, completed };
}

async function main() {
  const { app } = await startPage('inbox');
  const id = Number(app.dataset.instanceId);
  const dir = await directory();
  let instance;
  try {
    instance = (await api(`/process-instances/${id}`)).body;
  } catch (error) {
    showError(app, error);
    return;
  }
  if (new URLSearchParams(location.search).get('started')) {
    app.append(h('div.alert.success', {}, `已发起办件 ${instance.business_key}。`));
  }
  app.append(h('section.card', {},
    h('h1', {}, `办件 ${instance.business_key || `#${id}`}`),
    h('dl.meta', {},
      h('dt', {}, '流程'), h('dd', {}, `${instance.definition_name}（第 ${instance.definition_version} 版）`),
      h('dt', {}, '状态'), h('dd#case-status', {}, STATUS_NAMES[instance.status] || instance.status,
        instance.end_event ? `：${instance.end_event}` : ''),
      h('dt', {}, '所属单位'), h('dd', {}, orgName(dir, instance.org)),
      h('dt', {}, '发起'), h('dd', {}, `${instance.started_by}，${formatTime(instance.created_at)}`)),
    instance.active_tasks.length ? h('div.current', {}, h('h2', {}, '当前环节'), h('ul.steps#active-tasks', {},
      instance.active_tasks.map((t) => h('li', {}, h('a', { href: `/tasks/${t.id}` }, t.name),
        `　${orgName(dir, t.org)} · ${roleName(dir, t.role)}`)))) : null));

  mountCaseOperations(app, instance);
  const canvas = h('div.diagram#diagram');
  app.append(h('section.card', {}, h('h2', {}, '流程图'), legend(), canvas));
  const columns = h('div.columns');
  const historyCard = h('section.card', {}, h('h2', {}, '办理过程'));
  const side = h('div.side');
  columns.append(historyCard, side);
  app.append(columns);

  const forms = await fetchForms(instance.definition_key, instance.definition_version).catch(() => null);
  const labels = formLabels(forms, dir);
  side.append(h('section.card', {}, h('h2', {}, '当前数据'), dataTable(instance.data, labels)));
  side.append(await attachmentsCard(id));

  let entries = null;
  try {
    entries = await fetchHistory(id);
  } catch (error) {
    showError(historyCard, error);
  }
  if (entries) {
    historyCard.append(timeline(entries, labels, dir));
  } else {
    const comments = await api(`/process-instances/${id}/comments`, { allow: [404, 405] });
    historyCard.append(comments.status === 200 && comments.body.length
      ? h('ol.timeline', {}, comments.body.map((c) => h('li.human', {}, h('div.when', {}, formatTime(c.at)),
        h('div.what', {}, h('strong', {}, (c.task && c.task.name) || ''),
          `　${(c.author && (c.author.display_name || c.author.username)) || ''}`),
        h('blockquote.opinion', {}, `意见：${c.comment}`))))
      : h('p.muted', {}, '办理记录暂不可用。'));
  }

  try {
    const xml = await fetchXml(instance.definition_key, instance.definition_version);
    const viewer = await showDiagram(canvas, xml, dir);
    const state = await currentState(instance, entries);
    colour(viewer, state, state.flows_taken || (entries ? flowsUpTo(entries, Infinity) : []));
    canvas.dataset.ready = 'true';
  } catch (error) {
    diagramUnavailable(canvas, error instanceof ApiError ? error : new Error(String(error.message || error)));
  }
}

main();
