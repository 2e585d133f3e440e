// 我的待办: the clerk's ready tasks, starting a new case, and the cases they took part in.
import {
  api, apiOptional, directory, formatTime, formPathLabel, h, orgName, roleName, showError, startPage, STATUS_NAMES, waitingSince,
} from './common.js';
import { mountForm, withOrgChoices, withOrgChoiceUi } from './forms.js';

async function taskTable(dir, names) {
  const { body: tasks } = await api('/tasks?limit=200');
  if (!tasks.length) return h('p.muted#no-tasks', {}, '暂无待办任务。');
  // GET /tasks names each task's case (business_key) and procedure (definition_key): no request per case
  return h('table.list#tasks', {},
    h('thead', {}, h('tr', {}, ['办件编号', '流程', '当前环节', '办理单位', '等待时间', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, tasks.map((t) => h('tr', { dataset: { taskId: t.id } },
      h('td', {}, h('a', { href: `/cases/${t.instance_id}` }, t.business_key || `#${t.instance_id}`)),
      h('td', {}, names.get(t.definition_key) || t.definition_key || ''),
      h('td.step', {}, t.name),
      h('td', {}, `${orgName(dir, t.org)}${t.role ? ` · ${roleName(dir, t.role)}` : ''}`),
      h('td', { title: formatTime(t.created_at) }, waitingSince(t.created_at)),
      h('td', {}, h('a.button.primary', { href: `/tasks/${t.id}` }, '办理'))))));
}

async function startSection(definitions) {
  const forms = (await Promise.all(definitions.map((d) => apiOptional(`/process-definitions/${d.key}/start-form`))))
    .filter((f) => f && f.can_start);
  if (!forms.length) return null;
  const panel = h('div.start-panel');
  const buttons = forms.map((f) => h('button', {
    type: 'button',
    dataset: { start: f.key },
    onClick: () => openStart(panel, f),
  }, `发起「${f.name}」`));
  return h('section.card#start', {}, h('h2', {}, '发起新办件'), h('div.button-row', {}, buttons), panel);
}

function openStart(panel, startForm) {
  panel.innerHTML = '';
  const host = h('div.form-host');
  panel.append(h('h3', {}, `发起「${startForm.name}」（第 ${startForm.version} 版）`), host);
  mountForm(host, {
    schema: withOrgChoices(startForm.schema, startForm.org_choices),
    uiSchema: withOrgChoiceUi(startForm.ui_schema, startForm.org_choices),
    submitLabel: '发起办件',
    startForm: true,
    onSubmit: async (data) => {
      try {
        const { body } = await api('/process-instances', { method: 'POST', json: { definition_key: startForm.key, data } });
        location.assign(`/cases/${body.id}?started=1`);
        return null;
      } catch (error) {
        panel.querySelectorAll('.alert').forEach((el) => el.remove());
        showError(panel, error, { pathLabel: formPathLabel });
        return error;
      }
    },
  });
}

async function myCases(dir) {
  const result = await api('/process-instances?acted_by_me=true&limit=20&sort=updated_at&order=desc', { allow: [400, 404, 405] });
  if (result.status !== 200 || !Array.isArray(result.body)) return null;
  if (!result.body.length) return null;
  return h('section.card', {}, h('h2', {}, '我经办的办件'), h('table.list', {},
    h('thead', {}, h('tr', {}, ['办件编号', '流程', '单位', '状态', '更新时间'].map((t) => h('th', {}, t)))),
    h('tbody', {}, result.body.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `/cases/${c.id}` }, c.business_key || `#${c.id}`)),
      h('td', {}, c.definition_name || c.definition_key),
      h('td', {}, orgName(dir, c.org)),
      h('td', {}, STATUS_NAMES[c.status] || c.status),
      h('td', {}, formatTime(c.updated_at)))))));
}

async function main() {
  const { app } = await startPage('inbox');
  const dir = await directory();
  const tasks = h('section.card', {}, h('h1', {}, '我的待办'));
  app.append(tasks);
  try {
    const { body: definitions } = await api('/process-definitions');
    tasks.append(await taskTable(dir, new Map(definitions.map((d) => [d.key, d.name]))));
    const start = await startSection(definitions);
    if (start) app.append(start);
    const mine = await myCases(dir);
    if (mine) app.append(mine);
  } catch (error) {
    showError(app, error);
  }
}

main();
