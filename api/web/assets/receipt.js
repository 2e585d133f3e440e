// 办件回执: for the case's starter to print and hand to the applicant — the 办件编号, the check code and
// where to look the progress up (the public page /progress).
import { api, formatTime, h, showError, startPage } from './common.js';

async function main() {
  const { app } = await startPage('started');
  const id = Number(app.dataset.instanceId);
  let receipt;
  try {
    receipt = (await api(`/process-instances/${id}/receipt`)).body;
  } catch (error) {
    showError(app, error);
    return;
  }
  const lookup = `${location.origin}${receipt.lookup_path}?number=${encodeURIComponent(receipt.number)}`;
  const row = (label, value, cell = '') => h('tr', {}, h('th', {}, label), h(`td${cell}`, {}, value));
  app.append(h('section.card.receipt#receipt', {},
    h('h1', {}, '办件回执'),
    h('table.kv', {}, h('tbody', {},
      row('办件编号', receipt.number, '#receipt-number'),
      row('事项', receipt.procedure),
      row('事项名称', receipt.case_title || '—'),
      row('办理单位', receipt.org_name || '—'),
      row('受理时间', formatTime(receipt.started_at)),
      row('查询码', receipt.check_code, '#receipt-code'))),
    h('p', {}, '凭办件编号和查询码可随时查询办理进度：', h('a#receipt-lookup', { href: lookup }, lookup)),
    h('p.muted', {}, '请妥善保管本回执，查询码不要告诉无关人员。'),
    h('div.button-row.no-print', {},
      h('button#print-receipt', { type: 'button', onClick: () => window.print() }, '打印回执'),
      h('a.button', { href: `/cases/${id}` }, '返回办件'))));
}

main();
