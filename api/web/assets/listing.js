// The clerk's lists (我的待办, 已办, 我发起的): search, procedure filter, sort and paging over one API
// list, shown as a table on a desk and as cards on a phone (each cell carries its column's label).
import { api, h, requestTurns, showError } from './common.js';

const PAGE_SIZE = 20;

/** GET a list endpoint with its query; resolves to {items, total} (total from X-Total-Count). */
export async function fetchList(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const { body, headers } = await api(`${path}${path.includes('?') ? '&' : '?'}${query}`);
  const items = Array.isArray(body) ? body : (body && body.items) || [];
  return { items, total: Number(headers.get('X-Total-Count') || items.length) };
}

function stateFromUrl(sorts) {
  const params = new URLSearchParams(location.search);
  const sort = params.get('sort');
  return {
    q: params.get('q') || '',
    definition_key: params.get('definition_key') || '',
    sort: sorts.some((s) => s.value === sort) ? sort : sorts[0].value,
    offset: Math.max(0, Number(params.get('offset')) || 0),
  };
}

function keepInUrl(state, sorts) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.definition_key) params.set('definition_key', state.definition_key);
  if (state.sort !== sorts[0].value) params.set('sort', state.sort);
  if (state.offset) params.set('offset', String(state.offset));
  const search = params.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
}

/**
 * A list with its toolbar. columns: [{label, cell(item) → Node|string, cls?}]; load(query) → {items, total};
 * sorts: [{value, label}] (the first is the default); definitions: [{key, name}] for the procedure filter.
 * Resolves to the list's element; onLoaded({items, total, filtered}) after every load.
 */
export function listView({ id, columns, load, sorts, definitions = [], searchLabel = '办件编号或事项名称',
  empty = '暂无记录。', rowData = () => ({}), rowClass = () => null, onLoaded = () => {} }) {
  const state = stateFromUrl(sorts);
  const q = h('input#list-q', { type: 'search', name: 'q', value: state.q, placeholder: searchLabel, 'aria-label': searchLabel });
  const definition = h('select#list-definition', { name: 'definition_key', 'aria-label': '流程' },
    h('option', { value: '' }, '全部流程'),
    definitions.map((d) => h('option', { value: d.key, selected: d.key === state.definition_key }, d.name)));
  const sort = h('select#list-sort', { name: 'sort', 'aria-label': '排序' },
    sorts.map((s) => h('option', { value: s.value, selected: s.value === state.sort }, s.label)));
  const toolbar = h('form.toolbar', {
    role: 'search',
    onSubmit: (event) => {
      event.preventDefault();
      state.q = q.value.trim();
      state.offset = 0;
      refresh();
    },
  }, q, definition, sort, h('button', { type: 'submit' }, '查询'));
  definition.addEventListener('change', () => { state.definition_key = definition.value; state.offset = 0; refresh(); });
  sort.addEventListener('change', () => { state.sort = sort.value; state.offset = 0; refresh(); });

  const tbody = h('tbody');
  const table = h(`table.list.cards#${id}`, {}, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)))), tbody);
  const message = h('p.muted.list-empty', { hidden: true });
  const pager = h('nav.pager', { 'aria-label': '分页' });
  const box = h('div.list-view', {}, toolbar, table, message, pager);

  const turn = requestTurns();

  async function refresh() {
    const isNewest = turn();
    keepInUrl(state, sorts);
    box.querySelectorAll('.alert.error').forEach((el) => el.remove());
    box.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await load({ q: state.q, definition_key: state.definition_key, sort: state.sort, limit: PAGE_SIZE, offset: state.offset });
    } catch (error) {
      if (!isNewest()) return;
      showError(box, error);
      box.removeAttribute('aria-busy');
      return;
    }
    if (!isNewest()) return;
    if (!page.items.length && state.offset > 0 && page.total > 0) {
      // the list shrank under a later page (tasks done meanwhile): show its last page
      state.offset = Math.max(0, Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE);
      refresh();
      return;
    }
    tbody.replaceChildren(...page.items.map((item) => {
      const cls = rowClass(item);
      return h(`tr${cls ? `.${cls}` : ''}`, { dataset: rowData(item) },
        // one wrapper per cell: on a phone the cell is a two-column grid (its label, then its content)
        columns.map((c) => h(`td${c.cls ? `.${c.cls}` : ''}`, { 'data-label': c.label }, h('div.cell', {}, c.cell(item)))));
    }));
    const filtered = Boolean(state.q || state.definition_key);
    table.hidden = !page.items.length;
    message.hidden = Boolean(page.items.length);
    message.textContent = filtered ? '没有符合条件的记录。' : empty;
    renderPager(page.total);
    box.dataset.total = String(page.total);
    box.dataset.q = state.q;
    box.removeAttribute('aria-busy');
    onLoaded({ ...page, filtered });
  }

  function renderPager(total) {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const current = Math.floor(state.offset / PAGE_SIZE) + 1;
    const go = (offset) => { state.offset = offset; refresh(); };
    pager.replaceChildren(h('span.muted#list-total', {}, `共 ${total} 件`));
    if (pages > 1) {
      pager.append(
        h('button', { type: 'button', disabled: current <= 1, onClick: () => go(state.offset - PAGE_SIZE) }, '上一页'),
        h('span.page-no', {}, `第 ${current} / ${pages} 页`),
        h('button', { type: 'button', disabled: current >= pages, onClick: () => go(state.offset + PAGE_SIZE) }, '下一页'));
    }
  }

  refresh();
  return { element: box, refresh };
}

/** Current steps of a case as a short text: 「环节」单位, one per line. */
export function currentStepsCell(steps) {
  if (!steps || !steps.length) return h('span.muted', {}, '—');
  return h('ul.plain', {}, steps.map((s) => h('li', {}, h('span.step-name', {}, s.name),
    s.org_name ? h('span.muted', {}, `　${s.org_name}`) : null)));
}
