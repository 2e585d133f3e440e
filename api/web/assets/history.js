// The journal of a case (GET /process-instances/{id}/history), every page of it.
import {
  api, COMMAND_NAMES, formLabels, formatTime, h, orgName, personText, roleName, STEP_TYPE_NAMES,
} from './common.js';

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

/** A journal command in Chinese; with its entry, an engine step says what kind of step it was and a
 * start by a timer says so. */
export function commandName(command, entry = null) {
  if (entry && command === 'engine_step' && STEP_TYPE_NAMES[entry.element_type]) return STEP_TYPE_NAMES[entry.element_type];
  if (entry && command === 'start' && entry.payload && entry.payload.timer) return '定时发起';
  return COMMAND_NAMES[command] || command;
}

/** Is this an entry a person did (rather than the engine moving on by itself)? */
export function isHuman(entry) {
  return Boolean(entry.actor) && entry.command !== 'engine_step';
}

export function entryTitle(entry) {
  const what = commandName(entry.command, entry);
  return entry.element_name ? `${what}：${entry.element_name}` : what;
}

/** The user who acted, by name (the history names them; older servers give the login only). */
export function actorName(entry) {
  return entry.actor_name || entry.actor || '';
}

/** Who did it: the user with the role and unit they acted as (people: seq → {display_name, …} when known). */
export function actorText(entry, dir = null, people = null) {
  if (!entry.actor) return '';
  const person = (people && people.get(entry.seq))
    || (entry.actor_name ? { display_name: entry.actor_name, org_name: entry.actor_org_name, role_name: entry.role_name } : null);
  if (person) return personText(person);
  const as = dir ? [entry.actor_org && orgName(dir, entry.actor_org), entry.actor_role && roleName(dir, entry.actor_role)]
    .filter(Boolean).join(' · ') : '';
  return as ? `${actorName(entry)}（${as}）` : actorName(entry);
}

function entryItem(entry, labels, dir, people) {
  const human = isHuman(entry);
  const data = (entry.payload && entry.payload.data) || null;
  return h(`li.${human ? 'human' : 'engine'}`, { dataset: { seq: entry.seq } },
    h('div.when', {}, formatTime(entry.at)),
    h('div.what', {}, h('strong', {}, entryTitle(entry)), human ? `　${actorText(entry, dir, people)}` : ''),
    entry.detail ? h('div.detail', {}, entry.detail) : null,
    entry.comment ? h('blockquote.opinion', {}, `意见：${entry.comment}`) : null,
    human && data && Object.keys(data).length ? h('details', {}, h('summary', {}, '提交的数据'),
      h('ul.changes', {}, Object.entries(data).map(([k, v]) => h('li', {}, `${labels.field(k)}：${labels.value(k, v)}`)))) : null,
    entry.payload && entry.payload.result && entry.payload.result.error
      ? h('div.error-detail', {}, `错误：${entry.payload.result.error}`) : null);
}

/** The timeline of a case: people's actions with their opinions; each run of engine steps folded into one line. */
export function timeline(entries, labels = formLabels(null), dir = null, people = null) {
  const list = h('ol.timeline#timeline');
  let run = [];
  const flush = () => {
    if (!run.length) return;
    const names = run.map((e) => e.element_name).filter(Boolean);
    list.append(h('li.engine.engine-run', {}, h('details', {},
      h('summary', {}, `自动流转（${run.length} 步）`, names.length ? h('span.muted', {}, `：${names.slice(0, 3).join('、')}${names.length > 3 ? '…' : ''}`) : null),
      h('ol.timeline', {}, run.map((e) => entryItem(e, labels, dir, people))))));
    run = [];
  };
  for (const entry of entries) {
    if (entry.command === 'engine_step') {
      run.push(entry);
      continue;
    }
    flush();
    list.append(entryItem(entry, labels, dir, people));
  }
  flush();
  return list;
}
