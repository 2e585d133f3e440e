// 已办: the tasks I completed, with my opinion, and where each case stands now; 撤回 of one while allowed.
import { api, deadlineBadge, formatTime, h, showError, startPage, STATUS_NAMES } from './common.js';
import { currentStepsCell, fetchList, listView } from './listing.js';
import { withdrawButton } from './operations.js';

const SORTS = [
  { value: '-completed_at', label: '最近办理的在前' },
  { value: 'completed_at', label: '最早办理的在前' },
];

async function main() {
  const { app } = await startPage('done');
  const card = h('section.card', {}, h('h1', {}, '已办'));
  app.append(card);
  try {
    const { body: definitions } = await api('/process-definitions');
    card.append(listView({
      id: 'done',
      sorts: SORTS,
      definitions,
      empty: '您还没有办理过任务。',
      load: (query) => fetchList('/tasks/done', query),
      rowData: (t) => ({ taskId: t.id, instanceId: t.instance_id }),
      columns: [
        { label: '办件编号', cls: 'key', cell: (t) => h('a', { href: `/cases/${t.instance_id}` }, t.business_key || `#${t.instance_id}`) },
        { label: '事项名称', cls: 'title', cell: (t) => t.case_title || h('span.muted', {}, '—') },
        { label: '流程', cell: (t) => t.definition_name || t.definition_key || '' },
        { label: '我办理的环节', cls: 'step', cell: (t) => `${t.name || t.element_name || ''}${t.kind === 'sign' ? '（加签）' : ''}` },
        { label: '我的意见', cls: 'opinion', cell: (t) => t.comment || h('span.muted', {}, '（未填写）') },
        { label: '办理时间', cell: (t) => formatTime(t.completed_at) },
        { label: '办件状态', cell: (t) => STATUS_NAMES[t.case_status] || t.case_status || '' },
        { label: '当前环节', cell: (t) => currentStepsCell(t.current_steps) },
        { label: '剩余时限', cls: 'remaining', cell: (t) => deadlineBadge(t) },
        // 撤回 while nothing the step led to was touched (the server says, when asked)
        { label: '操作', cls: 'ops', cell: (t) => (t.case_status === 'running' && t.kind !== 'sign' ? withdrawButton(t.id) : '') },
      ],
    }).element);
  } catch (error) {
    showError(app, error);
  }
}

main();
