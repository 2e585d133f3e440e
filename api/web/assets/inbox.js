// 我的待办: the clerk's ready tasks (search, filter, sort, paging) and starting a new case.
import {
  api, apiOptional, deadlineBadge, formatTime, formPathLabel, h, personText, refreshInboxCount, showError, startPage,
  waitingSince,
} from './common.js';
import { mountForm, withOrgChoices, withOrgChoiceUi } from './forms.js';
import { fetchList, listView } from './listing.js';

const SORTS = [
  { value: 'created_at', label: '等待最久的在前' },
  { value: '-created_at', label: '最新送达的在前' },
  { value: 'urgency', label: '最紧急的在前' },
];

function taskList(definitions) {
  return listView({
    id: 'tasks',
    sorts: SORTS,
    definitions,
    empty: '暂无待办任务。',
    load: (query) => fetchList('/tasks', query),
    rowData: (t) => ({ taskId: t.id, element: t.element_id }),
    rowClass: (t) => [t.returned ? 'returned' : null, t.urgency && t.urgency !== 'normal' ? `urgency-${t.urgency}` : null]
      .filter(Boolean).join('.') || null,
    onLoaded: ({ total, filtered }) => { if (!filtered) refreshInboxCount(total); },
    columns: [
      { label: '办件编号', cls: 'key', cell: (t) => h('a', { href: `/cases/${t.instance_id}` }, t.business_key || `#${t.instance_id}`) },
      { label: '事项名称', cls: 'title', cell: (t) => t.case_title || h('span.muted', {}, '—') },
      { label: '申请单位', cell: (t) => (t.applicant && t.applicant.org_name) || '' },
      { label: '流程', cell: (t) => t.definition_name },
      {
        label: '环节',
        cls: 'step',
        cell: (t) => [h('span.step-name', {}, t.name), t.returned ? h('span.tag.returned', { title: '该任务经退回后重新送达' }, '被退回') : null],
      },
      {
        label: '送达时间',
        cell: (t) => [formatTime(t.sent_at), t.sent_by ? h('div.muted.sent-by', {}, personText(t.sent_by, { role: false })) : null],
      },
      { label: '等待时长', cls: 'waiting', cell: (t) => waitingSince(t.sent_at) },
      { label: '剩余时限', cls: 'remaining', cell: (t) => deadlineBadge(t) },
      { label: '操作', cls: 'actions', cell: (t) => h('a.button.primary', { href: `/tasks/${t.id}` }, '办理') },
    ],
  });
}

async function startSection(definitions) {
  const forms = (await Promise.all(definitions.map((d) => apiOptional(`/process-definitions/${d.key}/start-form`))))
    .filter((f) => f && f.can_start);
  if (!forms.length) return null;
  const panel = h('div.start-panel');
  const buttons = forms.map((f) => h('button', {
    type: 'button',
    dataset: { start: f.key },
    onClick: () => openStart(panel, f),
  }, `发起「${f.name}」`));
  return h('section.card#start', {}, h('h2', {}, '发起新办件'), h('div.button-row', {}, buttons), panel);
}

function openStart(panel, startForm) {
  panel.innerHTML = '';
  const host = h('div.form-host');
  panel.append(h('h3', {}, `发起「${startForm.name}」（第 ${startForm.version} 版）`), host);
  mountForm(host, {
    schema: withOrgChoices(startForm.schema, startForm.org_choices),
    uiSchema: withOrgChoiceUi(startForm.ui_schema, startForm.org_choices),
    submitLabel: '发起办件',
    startForm: true,
    onSubmit: async (data) => {
      try {
        const { body } = await api('/process-instances', { method: 'POST', json: { definition_key: startForm.key, data } });
        location.assign(`/cases/${body.id}?started=1`);
        return null;
      } catch (error) {
        panel.querySelectorAll('.alert').forEach((el) => el.remove());
        showError(panel, error, { pathLabel: formPathLabel });
        return error;
      }
    },
  });
  panel.scrollIntoView({ block: 'nearest' });
}

async function main() {
  const { app } = await startPage('inbox');
  const tasks = h('section.card', {}, h('h1', {}, '我的待办'));
  app.append(tasks);
  try {
    const { body: definitions } = await api('/process-definitions');
    tasks.append(taskList(definitions).element);
    const start = await startSection(definitions);
    if (start) app.append(start);
  } catch (error) {
    showError(app, error);
  }
}

main();
