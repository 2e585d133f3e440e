// 审批操作 on the task page (退回, 撤回, 转办, 委派, 加签, 减签, 抄送, 终止) and on the case page (催办, 抄送, 终止,
// 跳转, 撤回 of my last step). The buttons are the operations GET /tasks/{id}/operations (or
// /process-instances/{id}/operations) allows the caller now; every answer is the case's new state.
import { api, formatTime, h, holderText, showError, directory, STATUS_NAMES } from './common.js';
import './operations.css';

export const OPERATION_NAMES = {
  return: '退回', withdraw: '撤回', transfer: '转办', delegate: '委派', 'add-signers': '加签', 'remove-signer': '减签',
  cc: '抄送', urge: '催办', terminate: '终止', jump: '跳转',
};
const MODES = [
  ['before', '前加签：加签人先签，再回到我'], ['after', '后加签：我办理后，加签人再签'], ['parallel', '会签：与我同时签'],
];
const SIGNER_STATES = { pending: '待签', agreed: '同意', disagreed: '不同意', removed: '已减签', skipped: '无需再签' };
const ORIGINS = {
  returned: '被退回', transferred: '转办', delegated: '委派', delegate_back: '委派已办理', withdrawn: '已撤回', jumped: '跳转',
};

function person(p) {
  return `${p.display_name}（${p.org_name}）`;
}

function commentBox(id, label, required = true) {
  return h('label.op-field', {}, h('span', {}, label + (required ? '' : '（可选）')),
    h('textarea', { id, rows: 3, required: required || undefined }));
}

function userSelect(id, people) {
  return h('label.op-field', {}, h('span', {}, '接收人'),
    h('select', { id, required: true }, h('option', { value: '' }, '请选择…'),
      people.map((p) => h('option', { value: p.username }, person(p)))));
}

function userChecklist(name, people) {
  return h('fieldset.op-people', {}, h('legend', {}, '人员'), people.map((p) => h('label', {},
    h('input', { type: 'checkbox', name, value: p.username }), person(p))));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => el.value);
}

/** The note a step's holder is shown: 被退回 with the opinion, 转办/委派 by whom, a delegate's proposal. */
function noteBox(note) {
  if (!note || !note.origin || note.origin === 'sign') return null;
  const label = ORIGINS[note.origin] || note.origin;
  const who = note.by_name || note.by || '';
  return h(`div.alert.${note.origin === 'returned' ? 'error' : 'info'}.op-note#task-note`, {},
    h('strong', {}, label), who ? `　${who}` : '', note.from ? `（自「${note.from}」）` : '',
    note.comment ? h('div.op-opinion', {}, `意见：${note.comment}`) : null);
}

function signingBox(signing, canRemove, onRemove) {
  if (!signing) return null;
  return h('div.op-signing#signing', {},
    h('strong', {}, `${signing.mode_name}`), `　发起人：${signing.by_name}`,
    signing.ratio < 1 ? `　通过比例：${Math.round(signing.ratio * 100)}%` : '',
    signing.submitted ? h('span.op-badge', {}, '已提交，等待签署') : null,
    h('ul.op-signers', {}, signing.signers.map((s) => h('li', { dataset: { signer: s.username } },
      `${s.display_name}：${SIGNER_STATES[s.state] || s.state}`,
      canRemove && s.state === 'pending' ? h('button.link', { type: 'button', onClick: () => onRemove(s) }, '减签') : null))));
}

/** What the case looks like after an operation (the same answer as a completion). */
function resultBox(title, instance, dir) {
  const box = h('section.card.next-step#operation-result', {}, h('h2', {}, title));
  if (instance.status !== 'running') {
    box.append(h('p', {}, `办件状态：${STATUS_NAMES[instance.status] || instance.status}`));
  } else if (instance.active_tasks.length) {
    box.append(h('p', {}, '当前环节：'), h('ul.steps', {}, instance.active_tasks.map((t) => h('li', {},
      h('strong', {}, t.name), `　${holderText(t, dir)}`))));
  }
  box.append(h('div.button-row', {}, h('a.button.primary', { href: '/inbox' }, '返回我的待办'),
    h('a.button', { href: `/cases/${instance.id}` }, '查看办件')));
  return box;
}

/** A toolbar of operation buttons; each opens its form in ``panel``. */
function toolbar(ops, forms, panel) {
  return h('div.button-row.op-toolbar', {}, ops.filter((op) => forms[op]).map((op) => h('button', {
    type: 'button', dataset: { op }, onClick: () => {
      panel.innerHTML = '';
      panel.append(forms[op]());
      panel.hidden = false;
      const first = panel.querySelector('select, input, textarea');
      if (first) first.focus();
    },
  }, OPERATION_NAMES[op])));
}

function opForm(op, fields, submit) {
  const form = h('form.op-form', { dataset: { op } }, h('h3', {}, OPERATION_NAMES[op]), ...fields,
    h('div.button-row', {}, h('button.primary', { type: 'submit' }, `确认${OPERATION_NAMES[op]}`)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.querySelectorAll('.alert.error').forEach((el) => el.remove());
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await submit(form);
    } catch (error) {
      showError(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

const value = (form, id) => form.querySelector(`#${id}`).value.trim();

/** The operations on a task, mounted after ``anchor`` (the task page's header card). */
export async function mountTaskOperations(anchor, task) {
  const card = h('section.card.operations#task-operations', {}, h('h2', {}, '审批操作'));
  const note = noteBox(task.note);
  if (note) anchor.append(note);
  let ops;
  try {
    ops = (await api(`/tasks/${task.id}/operations`, { allow: [403, 404, 405] })).body;
  } catch {
    return;
  }
  if (!ops || !Array.isArray(ops.allowed)) return;
  if (task.held) {  // the page says "no right to act": say why instead
    const info = document.querySelector('#task-form .alert.info');
    if (info) info.textContent = '该任务正等待加签人签署，签署完成后回到您手中。';
  }
  const dir = await directory();
  const done = (title) => (result) => {
    const page = card.parentElement;
    const form = page && page.querySelector('#task-form');
    if (form) form.hidden = true;
    card.replaceWith(resultBox(title, result, dir));
    window.scrollTo(0, 0);
  };
  const post = (path, json, title) => api(`/tasks/${task.id}/${path}`, { method: 'POST', json })
    .then(({ body }) => done(title)(body));
  const panel = h('div.op-panel', { hidden: true });
  const people = ops.transfer_candidates || [];
  const forms = {
    return: () => opForm('return', [
      h('label.op-field', {}, h('span', {}, '退回到'), h('select#return-target', { required: true },
        ops.return_targets.map((t) => h('option', { value: t.element_id }, t.name)))),
      commentBox('op-comment', '退回意见')],
    (form) => post('return', { target_element_id: value(form, 'return-target'), comment: value(form, 'op-comment') },
      '已退回')),
    transfer: () => opForm('transfer', [userSelect('op-user', people), commentBox('op-comment', '转办意见')],
      (form) => post('transfer', { to_user: value(form, 'op-user'), comment: value(form, 'op-comment') }, '已转办')),
    delegate: () => opForm('delegate', [userSelect('op-user', people), commentBox('op-comment', '委派意见')],
      (form) => post('delegate', { to_user: value(form, 'op-user'), comment: value(form, 'op-comment') }, '已委派')),
    'add-signers': () => {
      const ratio = h('label.op-field#ratio-field', { hidden: true }, h('span', {}, '通过比例（%，默认全部同意）'),
        h('input#op-ratio', { type: 'number', min: 1, max: 100, step: 1 }));
      const modes = h('fieldset.op-modes', {}, h('legend', {}, '加签方式'), MODES.map(([mode, label], i) => h('label', {},
        h('input', { type: 'radio', name: 'op-mode', value: mode, checked: i === 0 || undefined,
          onChange: () => { ratio.hidden = mode === 'before'; } }), label)));
      return opForm('add-signers', [userChecklist('op-signers', people), modes, ratio, commentBox('op-comment', '加签说明')],
        (form) => {
          const body = { users: checked(form, 'op-signers'), mode: checked(form, 'op-mode')[0], comment: value(form, 'op-comment') };
          const percent = value(form, 'op-ratio');
          if (percent && body.mode !== 'before') body.pass_ratio = Number(percent) / 100;
          return api(`/tasks/${task.id}/add-signers`, { method: 'POST', json: body }).then(() => location.reload());
        });
    },
    cc: () => opForm('cc', [userChecklist('op-cc', ops.cc_candidates || []), commentBox('op-comment', '抄送说明', false)],
      (form) => api(`/process-instances/${task.instance_id}/cc`, {
        method: 'POST', json: { users: checked(form, 'op-cc'), comment: value(form, 'op-comment') || undefined },
      }).then(() => { panel.innerHTML = ''; panel.append(h('div.alert.success#op-done', {}, '已抄送。')); })),
    terminate: () => opForm('terminate', [commentBox('op-comment', '终止原因')],
      (form) => api(`/process-instances/${task.instance_id}/terminate`, {
        method: 'POST', json: { reason: value(form, 'op-comment') },
      }).then(({ body }) => done('已终止')(body))),
    withdraw: () => opForm('withdraw', [commentBox('op-comment', '撤回原因')],
      (form) => post('withdraw', { comment: value(form, 'op-comment') }, '已撤回')),
  };
  const removeSigner = async (signer) => {
    const reason = window.prompt(`减去加签人 ${signer.display_name}，请填写减签说明：`, '无需会签');
    if (!reason) return;
    try {
      await api(`/tasks/${task.id}/remove-signer`, { method: 'POST', json: { user: signer.username, comment: reason } });
      location.reload();
    } catch (error) {
      showError(card, error);
    }
  };
  const signing = signingBox(ops.signing, ops.allowed.includes('remove-signer'), removeSigner);
  if (signing) card.append(signing);
  if (ops.withdraw_refusal) card.append(h('p.muted#withdraw-refusal', {}, `不能撤回：${ops.withdraw_refusal}`));
  const proposal = task.note && task.note.origin === 'delegate_back' && task.note.proposal;
  if (proposal && task.can_complete) card.append(proposalBox(task, proposal, dir, done('已办理')));
  if (!ops.allowed.length && !signing && !ops.withdraw_refusal && !card.querySelector('.op-proposal')) return;
  card.append(toolbar(ops.allowed, forms, panel), panel);
  anchor.after(card);
}

function fieldTitle(task, name) {
  const prop = task.form && task.form.schema && task.form.schema.properties && task.form.schema.properties[name];
  return (prop && prop.title) || name;
}

function shown(task, name, v) {
  const prop = task.form && task.form.schema && task.form.schema.properties && task.form.schema.properties[name];
  const option = prop && (prop.oneOf || []).find((o) => o && o.const === v);
  if (option && option.title) return option.title;
  if (typeof v === 'boolean') return v ? '是' : '否';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** 委派已办理: the delegate's submission, to confirm as it is (or change it in the form below). */
function proposalBox(task, proposal, dir, done) {
  const comment = h('textarea#proposal-comment', { rows: 2 });
  return h('div.op-proposal#proposal', {},
    h('p', {}, `受委派人 ${task.note.by_name || task.note.by} 的办理内容：`),
    h('ul.changes', {}, Object.entries(proposal).map(([k, v]) => h('li', {}, `${fieldTitle(task, k)}：${shown(task, k, v)}`))),
    h('label.op-field', {}, h('span', {}, '我的意见'), comment),
    h('div.button-row', {}, h('button.primary#accept-proposal', {
      type: 'button', onClick: async (event) => {
        try {
          const body = { data: proposal };
          if (comment.value.trim()) body.comment = comment.value.trim();
          const { body: result } = await api(`/tasks/${task.id}/complete`, { method: 'POST', json: body });
          done(result);
        } catch (error) {
          showError(event.target.closest('.op-proposal'), error);
        }
      },
    }, '按受委派人的内容办理'), h('span.muted', {}, '或在下方表单中修改后提交')));
}

/** GET /process-instances/{id}/operations: what the caller may do on the case ({allowed: []} when nothing). */
export async function fetchCaseOperations(instanceId) {
  const result = await api(`/process-instances/${instanceId}/operations`, { allow: [403, 404, 405] }).catch(() => null);
  return result && result.status === 200 ? result.body : { allowed: [], withdrawable: null };
}

/** The 办件操作 card (催办, 抄送, 终止, 跳转, and 撤回 of my last step) from fetchCaseOperations' answer, or null. */
export function caseOperationsCard(instance, ops, dir) {
  const { withdrawable } = ops;
  const allowed = [...ops.allowed, ...(withdrawable ? ['withdraw'] : [])];
  if (!allowed.length) return null;
  const card = h('section.card.operations#case-operations', {}, h('h2', {}, '办件操作'));
  const panel = h('div.op-panel', { hidden: true });
  const message = (text) => { panel.innerHTML = ''; panel.append(h('div.alert.success#op-done', {}, text)); };
  const post = (path, json) => api(`/process-instances/${instance.id}/${path}`, { method: 'POST', json });
  const forms = {
    urge: () => opForm('urge', [commentBox('op-comment', '催办内容', false)],
      (form) => post('urge', { comment: value(form, 'op-comment') || undefined }).then(() => message('已催办，当前环节的办理人会收到消息。'))),
    cc: () => opForm('cc', [userChecklist('op-cc', ops.cc_candidates || []), commentBox('op-comment', '抄送说明', false)],
      (form) => post('cc', { users: checked(form, 'op-cc'), comment: value(form, 'op-comment') || undefined }).then(() => message('已抄送。'))),
    terminate: () => opForm('terminate', [commentBox('op-comment', '终止原因')],
      (form) => post('terminate', { reason: value(form, 'op-comment') }).then(() => location.reload())),
    jump: () => {
      const select = h('select#jump-target', { required: true });
      userTasks(instance).then((tasks) => select.append(...tasks.map((t) => h('option', { value: t.id }, t.name))));
      return opForm('jump', [h('label.op-field', {}, h('span', {}, '跳转到'), select), commentBox('op-comment', '跳转原因')],
        (form) => post('jump', { target_element_id: value(form, 'jump-target'), reason: value(form, 'op-comment') })
          .then(() => location.reload()));
    },
    withdraw: () => opForm('withdraw', [h('p', {}, `撤回我办理的「${withdrawable.name}」（${formatTime(withdrawable.completed_at)}）`),
      commentBox('op-comment', '撤回原因')],
    (form) => api(`/tasks/${withdrawable.task_id}/withdraw`, { method: 'POST', json: { comment: value(form, 'op-comment') } })
      .then(({ body }) => card.replaceWith(resultBox('已撤回', body, dir)))),
  };
  card.append(toolbar(allowed, forms, panel), panel);
  return card;
}

async function userTasks(instance) {
  const result = await api(`/process-definitions/${encodeURIComponent(instance.definition_key)}/versions/${instance.definition_version}/xml`,
    { raw: true });
  const xml = new DOMParser().parseFromString(await result.text(), 'application/xml');
  return [...xml.getElementsByTagNameNS('http://www.omg.org/spec/BPMN/20100524/MODEL', 'userTask')]
    .map((el) => ({ id: el.getAttribute('id'), name: el.getAttribute('name') || el.getAttribute('id') }));
}

/** 撤回 on a 已办 entry: asks the server whether the step may still be withdrawn, then for the reason. */
export function withdrawButton(taskId) {
  const box = h('div.op-withdraw', { dataset: { taskId } });
  const button = h('button.link', { type: 'button' }, '撤回');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { body: ops } = await api(`/tasks/${taskId}/operations`);
      if (!ops.allowed.includes('withdraw')) {
        box.replaceChildren(h('span.muted.withdraw-refusal', {}, `不能撤回：${ops.withdraw_refusal || '后续环节已有人办理'}`));
        return;
      }
      const dir = await directory();
      box.replaceChildren(opForm('withdraw', [commentBox(`withdraw-comment-${taskId}`, '撤回原因')], (form) =>
        api(`/tasks/${taskId}/withdraw`, { method: 'POST', json: { comment: value(form, `withdraw-comment-${taskId}`) } })
          .then(({ body }) => box.replaceChildren(resultBox('已撤回', body, dir)))));
    } catch (error) {
      showError(box, error);
    } finally {
      button.disabled = false;
    }
  });
  box.append(button);
  return box;
}
