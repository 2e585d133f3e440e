// The notification bell in the header bar of every page: the unread count, the latest notifications
// (催办, 被退回, 转办给我, 加签给我, 抄送 …); opening one marks it read.
import { api, formatTime, h, token } from './common.js';

const STYLE = `
#bell { position: relative; }
#bell > button { color: #fff; background: none; border: 1px solid rgba(255,255,255,0.5); }
#bell .count { display: inline-block; min-width: 1.3rem; margin-left: 0.3rem; padding: 0 0.3rem; border-radius: 0.7rem;
  background: #fff; color: var(--blue); font-size: 0.85rem; text-align: center; }
#bell .count.zero { opacity: 0.6; }
#bell-list { position: absolute; right: 0; top: 2.2rem; width: 26rem; max-height: 30rem; overflow: auto; z-index: 10;
  background: #fff; color: #1f2933; border: 1px solid var(--border); border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,0.15); }
#bell-list a { color: inherit; text-decoration: none; display: block; padding: 0.5rem 0.8rem; border-bottom: 1px solid #eef0f3; }
#bell-list a.unread { background: var(--blue-light); }
#bell-list .kind { font-weight: 600; margin-right: 0.4rem; }
#bell-list .when { color: var(--grey); font-size: 0.85rem; }
#bell-list .more { text-align: center; color: var(--blue); }
`;

export function notificationLink(n) {
  return n.task_id && ['returned', 'transferred', 'delegated', 'delegate_back', 'sign', 'signing_done', 'signing_failed',
    'withdrawn', 'urge', 'overdue'].includes(n.kind) ? `/tasks/${n.task_id}` : `/cases/${n.instance_id}`;
}

export function notificationText(n) {
  // the system's own (the automatic 催办 of an overdue step) says everything in its message
  if (!n.actor && n.message) return n.message;
  return [n.actor_name, n.business_key, n.case_title || '', n.task_name ? `「${n.task_name}」` : '',
    n.comment ? `：${n.comment}` : '']
    .filter(Boolean).join(' ');
}

/** Open one notification: mark it read, then go where it points. */
export async function openNotification(n) {
  if (!n.read) await api(`/notifications/${n.id}/read`, { method: 'POST' }).catch(() => null);
  location.assign(notificationLink(n));
}

export async function mountBell() {
  const who = document.getElementById('who');
  if (!token() || !who || document.getElementById('bell')) return;
  document.head.append(h('style', {}, STYLE));
  const count = h('span.count', {}, '0');
  const list = h('div#bell-list', { hidden: true });
  const button = h('button#bell-button', { type: 'button', title: '消息', onClick: () => toggle() }, '消息', count);
  const bell = h('span#bell', {}, button, list);
  who.before(bell);
  const refresh = async () => {
    const result = await api('/notifications/unread-count', { allow: [404, 405] }).catch(() => null);
    const unread = result && result.status === 200 ? result.body.unread : 0;
    count.textContent = String(unread);
    count.classList.toggle('zero', !unread);
  };
  const toggle = async () => {
    if (!list.hidden) {
      list.hidden = true;
      return;
    }
    const { body } = await api('/notifications?limit=10');
    list.innerHTML = '';
    if (!body.length) list.append(h('p.muted', { style: 'padding:0.6rem 0.8rem;margin:0' }, '暂无消息'));
    for (const n of body) {
      list.append(h(`a${n.read ? '' : '.unread'}`, { href: notificationLink(n), dataset: { notification: n.id },
        onClick: (event) => { event.preventDefault(); openNotification(n); } },
      h('span.kind', {}, n.kind_name), notificationText(n), h('div.when', {}, formatTime(n.created_at))));
    }
    list.append(h('a.more', { href: '/notifications' }, '全部消息'));
    list.hidden = false;
  };
  await refresh();
}

mountBell();
