// Attachments of a case: list, download (with the bearer token) and upload (multipart "file").
import { api, formatTime, h, showError } from './common.js';

const nameOf = (a) => a.filename || a.file_name || a.name || `附件 ${a.id}`;

function size(bytes) {
  if (bytes === undefined || bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function download(instanceId, attachment) {
  const response = await api(`/process-instances/${instanceId}/attachments/${attachment.id}`, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: nameOf(attachment) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function attachmentsCard(instanceId) {
  const card = h('section.card#attachments', {}, h('h2', {}, '附件'));
  const result = await api(`/process-instances/${instanceId}/attachments`, { allow: [404, 405] });
  if (result.status !== 200) {
    card.append(h('p.muted', {}, '附件功能暂不可用。'));
    return card;
  }
  const list = h('ul.attachments');
  const render = (items) => {
    list.innerHTML = '';
    if (!items.length) list.append(h('li.muted', {}, '暂无附件'));
    for (const a of items) {
      list.append(h('li', {},
        h('button.link', { type: 'button', onClick: () => download(instanceId, a).catch((e) => showError(card, e)) }, nameOf(a)),
        h('span.muted', {}, `　${size(a.size)}　${a.uploaded_by_name || ''}　${formatTime(a.uploaded_at || a.created_at)}`)));
    }
  };
  render(result.body);
  const chosen = h('span.muted', {}, '未选择文件');
  const input = h('input#attachment-file.visually-hidden', {
    type: 'file', name: 'file', onChange: () => { chosen.textContent = input.files.length ? input.files[0].name : '未选择文件'; },
  });
  const pick = h('label.button', { for: 'attachment-file' }, '选择文件');
  const button = h('button', { type: 'submit' }, '上传');
  const form = h('form.upload', {
    onSubmit: async (event) => {
      event.preventDefault();
      if (!input.files.length) return;
      const body = new FormData();
      body.append('file', input.files[0]);
      button.disabled = true;
      card.querySelectorAll('.alert').forEach((el) => el.remove());
      try {
        await api(`/process-instances/${instanceId}/attachments`, { method: 'POST', form: body });
        render((await api(`/process-instances/${instanceId}/attachments`)).body);
        input.value = '';
        chosen.textContent = '未选择文件';
      } catch (error) {
        showError(card, error);
      } finally {
        button.disabled = false;
      }
    },
  }, input, pick, chosen, button);
  card.append(list, form);
  return card;
}
