// 办理任务: what the case is and who sent it, the earlier steps' submissions and opinions, the case's
// attachments and diagram, and the task's form; after submitting, where the case went and who holds it.
import {
  api, deadlineBadge, directory, formatTime, formPathLabel, h, holderText, personText, refreshInboxCount, showError,
  startPage, STATUS_NAMES,
} from './common.js';
import { mountForm, withOrgChoices, withOrgChoiceUi } from './forms.js';
import { attachmentsCard } from './attachments.js';
import { diagramSlot } from './diagram-slot.js';
import { mountTaskOperations } from './operations.js';
import { stepsPanel } from './steps.js';

function prefill(schema, data) {
  const props = (schema && schema.properties) || {};
  return Object.fromEntries(Object.entries(data || {}).filter(([k]) => k in props));
}

function nextSteps(result, previous, dir) {
  const box = h('section.card.next-step#next-step', {}, h('h2', {}, '已提交'));
  const before = new Set(previous);
  if (result.status === 'completed') {
    box.append(h('p', {}, '办件已办结', result.end_event ? `：${result.end_event}` : '', '。'));
  } else if (result.active_tasks && result.active_tasks.length) {
    box.append(h('p', {}, '办件已送往：'), h('ul.steps#next-holders', {}, result.active_tasks.map((t) => h('li', {
      dataset: { element: t.element_id },
    }, h('strong', {}, t.name), `　${holderText(t, dir)}`,
    // a parallel branch that was open before this submission stays where it was
    before.has(t.element_id) ? h('span.muted', {}, '（原已在办）') : null))));
  } else {
    box.append(h('p', {}, `办件状态：${STATUS_NAMES[result.status] || result.status}`, result.error ? `（${result.error}）` : ''));
  }
  box.append(h('div.button-row', {},
    h('a.button.primary', { href: '/inbox' }, '返回我的待办'),
    h('a.button', { href: `/cases/${result.id}` }, '查看办件')));
  return box;
}

function header(task, instance, dir) {
  const { applicant } = task;
  const title = task.case_title;
  const sentBy = task.sent_by;
  const sentAt = task.sent_at;
  return h('section.card.case-header#case-header', {},
    h('div.title-row', {}, h('h1', {}, `办理：${task.name}`, task.returned ? h('span.tag.returned', {}, '被退回') : null),
      // on a narrow screen the form comes after the material: one tap down to it
      h('a.button.primary.jump-to-form', { href: '#task-form' }, '填写办理')),
    h('dl.meta', {},
      h('dt', {}, '办件编号'), h('dd', {}, h('a#case-link', { href: `/cases/${task.instance_id}` }, task.business_key || `#${task.instance_id}`)),
      h('dt', {}, '事项名称'), h('dd#case-title', {}, title || '—'),
      h('dt', {}, '申请单位'), h('dd#applicant', {}, applicant ? [applicant.org_name || '',
        applicant.display_name ? h('span.muted', {}, `　发起人 ${applicant.display_name}`) : null] : '—'),
      h('dt', {}, '流程'), h('dd', {}, `${instance.definition_name || instance.definition_key}（第 ${instance.definition_version} 版）`),
      h('dt', {}, '办理单位'), h('dd', {}, holderText(task, dir)),
      h('dt', {}, '送达'), h('dd#sent', {}, sentBy ? `${personText(sentBy, { role: false })}，` : '', formatTime(sentAt)),
      h('dt', {}, '剩余时限'), h('dd', {}, deadlineBadge(task, { id: 'task-remaining' }))));
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
  const formCard = h('section.card#task-form', {}, h('h2', {}, task.form && task.form.schema && task.form.schema.title
    ? `本环节办理：${task.form.schema.title}` : '本环节办理'));
  const earlier = h('section.card#earlier', {}, h('h2', {}, '前序办理情况'));
  const diagramCard = h('section.card', {}, h('h2', {}, '流程图'));
  diagramSlot(diagramCard); // its space kept: drawn late, it must not push the form down
  const material = h('div.task-material', {}, earlier);
  const head = header(task, instance, dir);
  app.append(head, h('div.task-layout', {}, material, h('div.task-main', {}, formCard)));

  earlier.append(stepsPanel(task.case, { emptyText: '这是本办件的第一个环节。' }));
  if (!task.form || !task.form.schema) {
    formCard.append(h('p.muted', {}, '该环节没有表单，填写意见后提交即可。'));
  }
  const readonly = !task.can_complete;
  if (readonly) {
    formCard.append(h('div.alert.info', {}, task.state === 'ready' ? '您无权办理该任务，仅可查看。' : '该任务已办理完毕。'));
  }
  // the attachments and the 审批操作 card (placed under the header) are fetched side by side and both in place
  // before the form is: either arriving after it would push the form down, on a phone under the clerk's finger
  const [attachments] = await Promise.all([
    attachmentsCard(task.instance_id),
    mountTaskOperations(head, task).catch((error) => showError(head, error)),
  ]);
  material.append(attachments, diagramCard);
  // bpmn-js is the page's heaviest part: draw the diagram when the clerk scrolls to it
  const seen = new IntersectionObserver((changes) => {
    if (!changes.some((c) => c.isIntersecting)) return;
    seen.disconnect();
    // loaded here, not with the page: the form is usable before bpmn-js's viewer has even arrived
    import('./diagram.js').then(({ caseDiagram }) => caseDiagram(diagramCard, instance, dir))
      .catch((error) => showError(diagramCard, error));
  }, { rootMargin: '200px' });
  seen.observe(diagramCard);

  const host = h('div.form-host');
  formCard.append(host);
  const props = {
    // organisation fields (x-org-level) as selects of the units the clerk may name, shown by name
    schema: task.form && withOrgChoices(task.form.schema, task.org_choices),
    uiSchema: task.form && withOrgChoiceUi(task.form.ui_schema, task.org_choices),
    initial: prefill(task.form && task.form.schema, task.data),
    instanceId: task.instance_id, // file fields upload to the case
    withComment: !readonly,
    readonly,
    submitLabel: '提交',
  };
  const form = mountForm(host, {
    ...props,
    onSubmit: async (data, comment) => {
      formCard.querySelectorAll('.alert.error').forEach((el) => el.remove());
      try {
        const body = { data };
        if (comment && comment.trim()) body.comment = comment.trim();
        const { body: result } = await api(`/tasks/${taskId}/complete`, { method: 'POST', json: body });
        formCard.replaceWith(nextSteps(result, instance.active_tasks.filter((t) => t.id !== taskId).map((t) => t.element_id), dir));
        refreshInboxCount().catch(() => {});
        window.scrollTo(0, 0);
        return null;
      } catch (error) {
        if (error.status === 409) {
          // done by someone else meanwhile, or the case moved on: nothing more to submit here
          form.render({ ...props, initial: data, readonly: true, withComment: false });
          host.before(h('div.alert.error#task-closed', { role: 'alert' }, `无法提交：${error.message}`,
            h('div', {}, h('a', { href: `/cases/${task.instance_id}` }, '查看办件当前情况'))));
          return null;
        }
        showError(formCard, error, { pathLabel: formPathLabel });
        return error;
      }
    },
  });
}

main();
