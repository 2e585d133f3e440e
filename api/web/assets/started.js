// 我发起的: the cases I started, with their current step.
import { api, formatTime, h, showError, startPage, STATUS_NAMES } from './common.js';
import { currentStepsCell, fetchList, listView } from './listing.js';

const SORTS = [
  { value: '-created_at', label: '最近发起的在前' },
  { value: 'created_at', label: '最早发起的在前' },
  { value: '-updated_at', label: '最近有进展的在前' },
];

/** GET /process-instances sorts with sort + order rather than a '-' prefix. */
function caseQuery({ sort, ...rest }) {
  const descending = sort.startsWith('-');
  return { ...rest, started_by_me: 'true', sort: sort.replace(/^-/, ''), order: descending ? 'desc' : 'asc' };
}

async function main() {
  const { app } = await startPage('started');
  const card = h('section.card', {}, h('h1', {}, '我发起的'));
  app.append(card);
  try {
    const { body: definitions } = await api('/process-definitions');
    card.append(listView({
      id: 'started',
      sorts: SORTS,
      definitions,
      empty: '您还没有发起过办件。',
      load: (query) => fetchList('/process-instances', caseQuery(query)),
      rowData: (c) => ({ instanceId: c.id }),
      columns: [
        { label: '办件编号', cls: 'key', cell: (c) => h('a', { href: `/cases/${c.id}` }, c.business_key || `#${c.id}`) },
        { label: '事项名称', cls: 'title', cell: (c) => c.case_title || h('span.muted', {}, '—') },
        { label: '流程', cell: (c) => c.definition_name || c.definition_key || '' },
        { label: '状态', cell: (c) => [STATUS_NAMES[c.status] || c.status, c.end_event ? `：${c.end_event}` : ''] },
        { label: '当前环节', cell: (c) => currentStepsCell(c.current_steps) },
        { label: '发起时间', cell: (c) => formatTime(c.created_at) },
        { label: '最近更新', cell: (c) => formatTime(c.updated_at) },
      ],
    }).element);
  } catch (error) {
    showError(app, error);
  }
}

main();
