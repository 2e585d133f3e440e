// 办理任务: the task's form from its JSON Schema and UI schema, an opinion box, submit; then the next step.
import {
  api, dataTable, directory, fetchForms, formLabels, formPathLabel, h, orgName, roleName, showError, startPage,
  STATUS_NAMES,
} from './common.js';
import { mountForm } from './forms.js';
import { mountTaskOperations } from './operations.js';

function prefill(schema, data) {
  const props = (schema && schema.properties) || {};
  return Object.fromEntries(Object.entries(data || {}).filter(([k]) => k in props));
}

function nextSteps(result, dir) {
  const box = h('section.card.next-step#next-step', {}, h('h2', {}, '已提交'));
  if (result.status === 'completed') {
    box.append(h('p', {}, '办件已办结', result.end_event ? `：${result.end_event}` : '', '。'));
  } else if (result.active_tasks && result.active_tasks.length) {
    box.append(h('p', {}, '下一步：'), h('ul.steps', {}, result.active_tasks.map((t) => h('li', {},
      h('strong', {}, t.name), `　${orgName(dir, t.org)}${t.role ? ` · ${roleName(dir, t.role)}` : ''}`))));
  } else {
    box.append(h('p', {}, `办件状态：${STATUS_NAMES[result.status] || result.status}`, result.error ? `（${result.error}）` : ''));
  }
  box.append(h('div.button-row', {},
    h('a.button.primary', { href: '/inbox' }, '返回我的待办'),
    h('a.button', { href: `/cases/${result.id}` }, '查看办件')));
  return box;
}

async function main() {
  const { app } = await startPage('inbox');
  const taskId = Number(app.dataset.taskId);
  const dir = await directory();
  let task;
  let instance;
  try {
    task = (await api(`/tasks/${taskId}`)).body;
    instance = (await api(`/process-instances/${task.instance_id}`)).body;
  } catch (error) {
    showError(app, error);
    return;
  }
  const header = h('section.card', {},
    h('h1', {}, `办理：${task.name}`),
    h('dl.meta', {},
      h('dt', {}, '办件编号'), h('dd', {}, h('a#case-link', { href: `/cases/${task.instance_id}` }, task.business_key || `#${task.instance_id}`)),
      h('dt', {}, '流程'), h('dd', {}, `${instance.definition_name || instance.definition_key}（第 ${instance.definition_version} 版）`),
      h('dt', {}, '办理单位'), h('dd', {}, `${orgName(dir, task.org)} · ${roleName(dir, task.role)}`)));
  const formCard = h('section.card#task-form');
  const forms = await fetchForms(instance.definition_key, instance.definition_version).catch(() => null);
  const labels = formLabels(forms || { form: task.form && task.form.schema }, dir);
  const details = h('details.card', {}, h('summary', {}, '办件当前数据'), dataTable(task.data, labels));
  app.append(header, formCard, details);
  mountTaskOperations(header, task);

  if (!task.form || !task.form.schema) {
    formCard.append(h('p.muted', {}, '该环节没有表单，填写意见后提交即可。'));
  }
  const readonly = !task.can_complete;
  if (readonly) {
    formCard.append(h('div.alert.info', {}, task.state === 'ready' ? '您无权办理该任务，仅可查看。' : '该任务已办理完毕。'));
  }
  const host = h('div.form-host');
  formCard.append(host);
  mountForm(host, {
    schema: task.form && task.form.schema,
    uiSchema: task.form && task.form.ui_schema,
    initial: prefill(task.form && task.form.schema, task.data),
    withComment: !readonly,
    readonly,
    submitLabel: '提交',
    onSubmit: async (data, comment) => {
      formCard.querySelectorAll('.alert.error').forEach((el) => el.remove());
      try {
        const body = { data };
        if (comment && comment.trim()) body.comment = comment.trim();
        const { body: result } = await api(`/tasks/${taskId}/complete`, { method: 'POST', json: body });
        formCard.replaceWith(nextSteps(result, dir));
        window.scrollTo(0, 0);
        return null;
      } catch (error) {
        showError(formCard, error, { pathLabel: formPathLabel });
        return error;
      }
    },
  });
}

main();
