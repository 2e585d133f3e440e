// 流程管理: the procedures, their versions (each opens read-only), and the modeler for the latest.
import { api, ApiError, formatTime, h, showError, startPage } from './common.js';

async function versionsRow(definition, cell) {
  cell.innerHTML = '';
  try {
    const { body } = await api(`/process-definitions/${encodeURIComponent(definition.key)}/versions`);
    cell.append(h('ul.versions', {}, [...body].sort((a, b) => b.version - a.version).map((v) => h('li', {},
      h('a', { href: `/definitions/${definition.key}/versions/${v.version}`, dataset: { version: v.version } }, `第 ${v.version} 版`),
      h('span.muted', {}, `　${formatTime(v.deployed_at)}　${v.deployed_by || '系统部署'}`)))));
  } catch (error) {
    cell.append(h('span.muted', {}, error instanceof ApiError && (error.status === 404 || error.status === 405)
      ? '版本列表接口尚未提供' : `版本列表无法加载：${error.message}`));
  }
}

async function main() {
  const { app } = await startPage('definitions');
  const card = h('section.card', {}, h('h1', {}, '流程定义'),
    h('p.muted', {}, '每次部署都会生成新版本；已在办的办件继续按发起时的版本办理，新发起的办件使用最新版本。'));
  app.append(card);
  let definitions;
  try {
    definitions = (await api('/process-definitions')).body;
  } catch (error) {
    showError(card, error);
    return;
  }
  const table = h('table.list#definitions', {},
    h('thead', {}, h('tr', {}, ['流程', '标识', '最新版本', '部署时间', '版本', ''].map((t) => h('th', {}, t)))));
  const body = h('tbody');
  for (const d of definitions) {
    const versions = h('td.versions-cell', {}, h('button.link', { type: 'button', onClick: () => versionsRow(d, versions) }, '查看全部版本'));
    body.append(h('tr', { dataset: { key: d.key } },
      h('td', {}, d.name), h('td', {}, h('code', {}, d.key)), h('td', {}, `第 ${d.version} 版`),
      h('td', {}, formatTime(d.deployed_at)), versions,
      h('td', {}, h('a.button', { href: `/definitions/${d.key}/versions/${d.version}` }, '查看'), ' ',
        h('a.button.primary', { href: `/modeler/${d.key}` }, '编辑并部署'),
        d.decision_files && d.decision_files.length ? [' ', h('a.button.decisions', { href: `/decisions/${d.key}` }, '决策表')] : null)));
  }
  table.append(body);
  card.append(table);
}

main();
