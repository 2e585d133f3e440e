// 办件详情: what the case is and where it stands, the diagram, the submissions grouped by step, the
// attachments, the journal (engine moves folded); printed, the page is the case's 审批表.
import {
  api, dataTable, deadlineBadge, directory, formatTime, formLabels, h, holderText, orgName, personText, showError, startPage,
  STATUS_NAMES,
} from './common.js';
import { caseDiagram, fetchForms } from './diagram.js';
import { fetchHistory, timeline } from './history.js';
import { attachmentsCard } from './attachments.js';
import { caseOperationsCard, fetchCaseOperations } from './operations.js';
import { fetchSteps, recordRows, stepsPanel } from './steps.js';


function statusText(instance) {
  return `${STATUS_NAMES[instance.status] || instance.status}${instance.end_event ? `：${instance.end_event}` : ''}`;
}

async function downloadRecord(instance, button) {
  button.disabled = true;
  try {
    const response = await api(`/process-instances/${instance.id}/record.pdf`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `审批表-${instance.business_key || instance.id}.pdf` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showError(button.closest('section'), error);
  } finally {
    button.disabled = false;
  }
}

/** Cases this one started (拆分设立 …) or was started from, each a link to its own page. */
function linkedCases(instance) {
  const links = instance.linked_cases || [];
  if (!links.length) return null;
  return [h('dt', {}, '关联办件'), h('dd#linked-cases', {}, h('ul.plain', {}, links.map((l) => h('li', {
    dataset: { direction: l.direction, instanceId: l.instance_id },
  }, `${l.label}${l.direction === 'to' ? '（本件发起）' : '（发起本件）'}：`,
  h('a', { href: `/cases/${l.instance_id}` }, `${l.business_key || `#${l.instance_id}`} ${l.case_title || ''}`),
  `　${STATUS_NAMES[l.status] || l.status}`))))];
}

/** The 民情日志 entry this case was started from (no personal data: the log page shows that to its units). */
function gridLogEntry(instance, dir) {
  const entry = instance.grid_log;
  if (!entry) return null;
  return [h('dt', {}, '来自民情日志'), h('dd#grid-log-entry', { dataset: { entryId: entry.id } },
    h('a', { href: '/grid-log' }, entry.title), `　${orgName(dir, entry.community)}·${entry.grid_name}，${entry.recorded_on}`)];
}

/** An access item waiting for the leadership group: the meeting whose agenda holds it, or the next one. */
function meetingStanding(instance) {
  const standing = instance.meeting_standing;
  if (!standing) return null;
  const text = standing.state === 'on_agenda'
    ? `已列入领导小组会议议程（会议办件 ${standing.meeting_business_key || `#${standing.meeting_instance_id}`}），等待会议决定`
    : `等待领导小组下次会议审议${standing.next_meeting_at ? `：下次季度会议 ${formatTime(standing.next_meeting_at)} 召集` : ''}`
      + '；领导小组办公室也可在季度会议之间召集临时会议';
  return [h('dt', {}, '领导小组审议'), h('dd#meeting-standing', { dataset: { state: standing.state } }, text)];
}

function headerCard(instance, dir, record, user) {
  const pdf = h('button#record-pdf', { type: 'button', onClick: () => downloadRecord(instance, pdf) }, '下载审批表（PDF）');
  const who = instance.started_by; // the applicant: the starter and their unit
  return h('section.card.case-header#case-header', {},
    h('div.title-row', {}, h('h1', {}, `办件 ${instance.business_key || `#${instance.id}`}`),
      h('div.button-row.no-print', {}, h('button#print-record', { type: 'button', onClick: () => window.print() }, '打印审批表'), pdf,
        // the 回执 with the check code of the public progress lookup: for the starter
        who && user && who.username === user.username
          ? h('a.button#receipt-link', { href: `/cases/${instance.id}/receipt` }, '打印回执') : null)),
    h('dl.meta', {},
      h('dt', {}, '事项名称'), h('dd#case-title', {}, instance.case_title || '—'),
      h('dt', {}, '流程'), h('dd', {}, `${instance.definition_name}（第 ${instance.definition_version} 版）`),
      h('dt', {}, '状态'), h('dd#case-status', {}, statusText(instance)),
      h('dt', {}, '申请单位'), h('dd', {}, (who && who.org_name) || '—'),
      h('dt', {}, '发起'), h('dd#started-by', {}, who ? `${personText(who, { role: false })}，` : '', formatTime(instance.created_at)),
      h('dt', {}, '剩余时限'), h('dd', {}, deadlineBadge(instance, { id: 'case-remaining' })),
      linkedCases(instance), gridLogEntry(instance, dir), meetingStanding(instance)),
    instance.active_tasks.length ? h('div.current', {}, h('h2', {}, '当前环节'), h('ul.steps#active-tasks', {},
      instance.active_tasks.map((t) => h('li', { dataset: { element: t.element_id, taskId: t.id } },
        h('a', { href: `/tasks/${t.id}` }, t.name), '　', h('span.holder', {}, holderText(t, dir)),
        t.urgency ? ['　', deadlineBadge(t)] : null)))) : null,
    limitsList(instance.deadlines || [], stepNames(instance, record)));
}

/** Element id → step name, from the open tasks and the steps done. */
function stepNames(instance, record) {
  const names = new Map(((record && record.steps) || []).map((s) => [s.element_id, s.name]));
  for (const t of instance.active_tasks) names.set(t.element_id, t.name);
  return names;
}

/** Every time limit of the case (法定/承诺/环节), open and closed, with its remaining time. */
function limitsList(deadlines, names) {
  if (!deadlines.length) return null;
  return h('div.limits', {}, h('h2', {}, '办理时限'), h('table.list#case-limits', {},
    h('thead', {}, h('tr', {}, ['时限', '环节', '期限', '剩余时限'].map((t) => h('th', {}, t)))),
    h('tbody', {}, deadlines.map((d) => h('tr', { dataset: { kind: d.kind, state: d.state } },
      h('td', {}, d.label, d.extension_days ? h('span.muted', {}, `（已延期 ${d.extension_days} 天）`) : null),
      h('td', {}, d.element_id ? (names.get(d.element_id) || '—') : '全程'),
      h('td', {}, d.deadline ? formatTime(d.deadline) : (d.problem || '—')),
      h('td', {}, d.state === 'closed' ? h('span.muted', {}, '已结束') : deadlineBadge(d)))))));
}

/** The 审批表: what a Chinese office files for the case (shown only when printed). */
function recordSheet(instance, record, dir) {
  const who = instance.started_by; // the applicant: the starter and their unit
  const row = (...cells) => h('tr', {}, cells);
  return h('section.record-sheet#record-sheet', { 'aria-hidden': 'true' },
    h('h1', {}, `${instance.definition_name}审批表`),
    h('table.record-meta', {}, h('tbody', {},
      row(h('th', {}, '办件编号'), h('td', {}, instance.business_key || `#${instance.id}`), h('th', {}, '办件状态'), h('td', {}, statusText(instance))),
      row(h('th', {}, '事项名称'), h('td', { colspan: 3 }, instance.case_title || '')),
      row(h('th', {}, '申请单位'), h('td', {}, (who && who.org_name) || ''), h('th', {}, '发起人'),
        h('td', {}, who ? who.display_name || '' : '')),
      row(h('th', {}, '发起时间'), h('td', {}, formatTime(instance.created_at)), h('th', {}, '打印时间'), h('td', {}, formatTime(new Date()))))),
    h('table.record-steps', {},
      h('thead', {}, row(...['序号', '办理环节', '办理结果', '办理意见', '办理人', '单位', '日期'].map((t) => h('th', {}, t)))),
      h('tbody', {}, recordRows(record).map((s, i) => row(
        h('td', {}, String(i + 1)),
        h('td', {}, s.name || '', (s.round || 1) > 1 ? `（第 ${s.round} 次）` : ''),
        h('td', {}, s.decision || ''),
        h('td', {}, s.comment || ''),
        h('td', {}, (s.actor && s.actor.display_name) || ''),
        h('td', {}, [s.actor && s.actor.org_name, s.actor && s.actor.role_name].filter(Boolean).join(' ')),
        h('td', {}, formatTime(s.at).slice(0, 10)))))),
    instance.active_tasks.length ? h('p', {}, `当前环节：${instance.active_tasks.map((t) => `${t.name}（${holderText(t, dir)}）`).join('；')}`) : null);
}

async function main() {
  const { app, user } = await startPage('inbox');
  const id = Number(app.dataset.instanceId);
  const dir = await directory();
  let instance;
  let record;
  let ops;
  try {
    [instance, record, ops] = await Promise.all([api(`/process-instances/${id}`).then((r) => r.body), fetchSteps(id),
      fetchCaseOperations(id)]);
  } catch (error) {
    showError(app, error);
    return;
  }
  if (new URLSearchParams(location.search).get('started')) {
    app.append(h('div.alert.success', {}, `已发起办件 ${instance.business_key}。`));
  }
  const diagramCard = h('section.card.diagram-card', {}, h('h2', {}, '流程图'));
  const stepsCard = h('section.card#case-steps', {}, h('h2', {}, '办理过程'),
    stepsPanel(record));
  const side = h('div.side');
  // the 办件操作 card goes in with the rest (read beside the case): arriving later, it pushed the page down
  app.append(...[headerCard(instance, dir, record, user), caseOperationsCard(instance, ops, dir), diagramCard,
    h('div.columns', {}, stepsCard, side), recordSheet(instance, record, dir)].filter(Boolean));
  caseDiagram(diagramCard, instance, dir);

  side.append(await attachmentsCard(id));
  const forms = await fetchForms(instance.definition_key, instance.definition_version).catch(() => null);
  side.append(h('details.card.case-data', {}, h('summary', {}, '办件当前数据'), dataTable(instance.data, formLabels(forms, dir))));
  const logCard = h('details.card.case-log', {}, h('summary', {}, '办理日志'));
  side.append(logCard);
  try {
    const entries = await fetchHistory(id);
    const people = new Map(record.steps.map((s) => [s.seq, s.actor]));
    logCard.append(entries ? timeline(entries, formLabels(forms, dir), dir, people) : h('p.muted', {}, '办理日志暂不可用。'));
  } catch (error) {
    showError(logCard, error);
  }
}

main();
