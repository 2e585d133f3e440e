// 抄送我的: the cases copied to me, unread first in bold; opening one marks it read.
import { api, formatTime, h, showError, startPage, STATUS_NAMES } from './common.js';

async function main() {
  const { app } = await startPage('copies');
  const card = h('section.card', {}, h('h1', {}, '抄送我的'));
  app.append(card);
  try {
    const { body: copies } = await api('/copies?limit=200');
    if (!copies.length) {
      card.append(h('p.muted#no-copies', {}, '暂无抄送给您的办件。'));
      return;
    }
    card.append(h('table.list#copies', {},
      h('thead', {}, h('tr', {}, ['办件编号', '事项名称', '流程', '环节', '抄送人', '说明', '抄送时间', '办件状态', '']
        .map((t) => h('th', {}, t)))),
      h('tbody', {}, copies.map((c) => h(`tr${c.read ? '' : '.unread'}`, { dataset: { copyId: c.id } },
        h('td', {}, h('a', { href: `/cases/${c.instance_id}`, onClick: (event) => open(event, c) }, c.business_key || `#${c.instance_id}`)),
        h('td.case-title', {}, c.case_title || ''),
        h('td', {}, c.definition_name || c.definition_key || ''),
        h('td.copy-step', {}, c.element_name || ''),
        h('td', {}, c.copied_by_name),
        h('td', {}, c.comment || ''),
        h('td', {}, formatTime(c.created_at)),
        h('td', {}, STATUS_NAMES[c.case_status] || c.case_status || ''),
        h('td', {}, c.read ? h('span.muted', {}, '已读') : h('strong.unread-mark', {}, '未读')))))));
  } catch (error) {
    showError(card, error);
  }
}

async function open(event, copy) {
  event.preventDefault();
  if (!copy.read) await api(`/copies/${copy.id}/read`, { method: 'POST' }).catch(() => null);
  location.assign(`/cases/${copy.instance_id}`);
}

main();
