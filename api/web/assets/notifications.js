// 消息: all my notifications, newest first; opening one marks it read.
import { api, formatTime, h, showError, startPage } from './common.js';
import { notificationLink, notificationText, openNotification } from './bell.js';

async function main() {
  const { app } = await startPage('notifications');
  const card = h('section.card', {}, h('h1', {}, '消息'));
  app.append(card);
  try {
    const { body, headers } = await api('/notifications?limit=200');
    card.append(h('p.muted#unread-count', {}, `未读 ${headers.get('X-Unread-Count') || 0} 条`));
    if (!body.length) {
      card.append(h('p.muted', {}, '暂无消息。'));
      return;
    }
    card.append(h('table.list#notifications', {},
      h('thead', {}, h('tr', {}, ['类型', '内容', '时间', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, body.map((n) => h(`tr${n.read ? '' : '.unread'}`, {},
        h('td', {}, n.kind_name),
        h('td', {}, h('a', { href: notificationLink(n), onClick: (e) => { e.preventDefault(); openNotification(n); } },
          notificationText(n))),
        h('td', {}, formatTime(n.created_at)),
        h('td', {}, n.read ? h('span.muted', {}, '已读') : h('strong', {}, '未读')))))));
  } catch (error) {
    showError(card, error);
  }
}

main();
