// 办件进度查询 (no login): the applicant types the 办件编号 and the check code from their receipt and sees
// where the case stands — the procedure, its state, the current steps with their dates and time limits,
// the steps done. Nothing about people, opinions or what was entered.
import { api, ApiError, formatTime, h } from './common.js';

function stepList(id, items, text) {
  return items.length ? h(`ul.steps#${id}`, {}, items.map((s) => h('li', {}, text(s)))) : h(`p.muted#${id}`, {}, '无');
}

function result(body) {
  const finished = body.status === 'completed' || body.status === 'terminated';
  return h('section.card#progress-result', { dataset: { status: body.status } },
    h('h2', {}, `办件 ${body.number}`),
    h('dl.meta', {},
      h('dt', {}, '事项'), h('dd#progress-procedure', {}, body.procedure),
      h('dt', {}, '状态'), h('dd#progress-status', {}, body.outcome ? `${body.status_name}：${body.outcome}` : body.status_name),
      h('dt', {}, '受理时间'), h('dd', {}, formatTime(body.started_at)),
      body.due ? [h('dt', {}, '办理时限'), h('dd', {}, `${formatTime(body.due)} 前`)] : null,
      h('dt', {}, finished ? '办结时间' : '最近办理'), h('dd', {}, formatTime(finished ? body.finished_at : body.updated_at))),
    finished ? null : [h('h3', {}, '当前环节'), stepList('progress-current', body.current_steps,
      (s) => [h('strong', {}, s.name), `　自 ${formatTime(s.since)}`, s.due ? `，应于 ${formatTime(s.due)} 前办理` : ''])],
    h('h3', {}, '已办环节'),
    stepList('progress-done', body.done_steps, (s) => [s.name, h('span.muted', {}, `　${formatTime(s.completed_at)}`)]));
}

function main() {
  const app = document.getElementById('app');
  const params = new URLSearchParams(location.search);
  const number = h('input#progress-number', { name: 'number', required: true, maxlength: 40, autocomplete: 'off',
    placeholder: '例：CSBD-2026-000001', value: params.get('number') || '' });
  const code = h('input#progress-code', { name: 'code', required: true, maxlength: 40, autocomplete: 'off',
    placeholder: '回执上的查询码，如 ABCD-EFGH' });
  const message = h('div.form-message#progress-message', { role: 'alert' });
  const submit = h('button.primary', { type: 'submit' }, '查询');
  const holder = h('div#progress-holder');
  const form = h('form.card.progress-form#progress-form', {
    onSubmit: async (event) => {
      event.preventDefault();
      message.textContent = '';
      holder.innerHTML = '';
      submit.disabled = true;
      try {
        const query = new URLSearchParams({ number: number.value.trim(), code: code.value.trim() });
        const { body } = await api(`/progress?${query}`);
        holder.append(result(body));
      } catch (error) {
        message.textContent = error instanceof ApiError && error.status === 404
          ? '办件编号或查询码不正确，请核对回执后重试。' : error.message;
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, '办件进度查询'),
  h('p.muted', {}, '请输入办件回执上的办件编号和查询码。本页只显示办理进度，不显示个人信息和办理意见。'),
  h('label', { for: 'progress-number' }, '办件编号'), number,
  h('label', { for: 'progress-code' }, '查询码'), code,
  message, submit);
  app.innerHTML = '';
  app.append(h('div.progress-page', {}, form, holder));
  (number.value ? code : number).focus();
}

main();
