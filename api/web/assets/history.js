// The journal of a case (GET /process-instances/{id}/history), every page of it.
import { api, COMMAND_NAMES, formLabels, formatTime, h, orgName, roleName } from './common.js';

const PAGE = 500;

/** All entries in seq order, or null when the history endpoint is not there. */
export async function fetchHistory(instanceId) {
  const entries = [];
  for (let offset = 0; ; offset += PAGE) {
    const result = await api(`/process-instances/${instanceId}/history?limit=${PAGE}&offset=${offset}`,
      { allow: [404, 405] });
    // callers have loaded the case already: a 404 here means the route is not deployed
    if (result.status !== 200) return offset === 0 ? null : entries;
    const page = Array.isArray(result.body) ? result.body : result.body.entries || [];
    entries.push(...page);
    const total = Number(result.headers.get('X-Total-Count') || entries.length);
    if (!page.length || entries.length >= total || page.length < PAGE) break;
  }
  return entries.sort((a, b) => a.seq - b.seq);
}

export function commandName(command) {
  return COMMAND_NAMES[command] || command;
}

/** Is this an entry a person did (rather than the engine moving on by itself)? */
export function isHuman(entry) {
  return Boolean(entry.actor) && entry.command !== 'engine_step';
}

export function entryTitle(entry) {
  const what = commandName(entry.command);
  return entry.element_name ? `${what}：${entry.element_name}` : what;
}

/** The user who acted, by name (the history names them; older servers give the login only). */
export function actorName(entry) {
  return entry.actor_name || entry.actor || '';
}

/** The timeline of a case: people's actions with their opinions, engine steps folded in. */
/** Who did it: the user with the role and unit they acted as. */
export function actorText(entry, dir = null) {
  if (!entry.actor) return '';
  const as = dir ? [entry.actor_org && orgName(dir, entry.actor_org), entry.actor_role && roleName(dir, entry.actor_role)]
    .filter(Boolean).join(' · ') : '';
  return as ? `${actorName(entry)}（${as}）` : actorName(entry);
}

export function timeline(entries, labels = formLabels(null), dir = null) {
  const list = h('ol.timeline#timeline');
  for (const entry of entries) {
    const human = isHuman(entry);
    const data = (entry.payload && entry.payload.data) || null;
    list.append(h(`li.${human ? 'human' : 'engine'}`, { dataset: { seq: entry.seq } },
      h('div.when', {}, formatTime(entry.at)),
      h('div.what', {}, h('strong', {}, entryTitle(entry)), human ? `　${actorText(entry, dir)}` : ''),
      entry.detail ? h('div.detail', {}, entry.detail) : null,
      entry.comment ? h('blockquote.opinion', {}, `意见：${entry.comment}`) : null,
      human && data && Object.keys(data).length ? h('details', {}, h('summary', {}, '提交的数据'),
        h('ul.changes', {}, Object.entries(data).map(([k, v]) => h('li', {}, `${labels.field(k)}：${labels.value(k, v)}`)))) : null,
      entry.payload && entry.payload.result && entry.payload.result.error
        ? h('div.error-detail', {}, `错误：${entry.payload.result.error}`) : null));
  }
  return list;
}
