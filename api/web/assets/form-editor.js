// Editing a task's form: JSON Schema and UI schema as JSON text, with a live preview of the rendered form.
import { h } from './common.js';
import { mountForm } from './forms.js';
import { formFiles, linkForm } from './spiff.js';

const FORM_TYPES = new Set(['bpmn:UserTask', 'bpmn:StartEvent']);

function skeleton(title) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    additionalProperties: false,
    required: ['opinion'],
    properties: { opinion: { type: 'string', title: '审核意见', minLength: 1 } },
  };
}

/** The form pane of the modeler; forms is the {file name: JSON} map deployed with the BPMN. */
export function formEditor(pane, modeler, forms, onChange) {
  let preview = null;
  const show = (element) => {
    pane.innerHTML = '';
    if (preview) preview.unmount();
    preview = null;
    if (!element || !FORM_TYPES.has(element.type)) {
      pane.append(h('h2', {}, '环节表单'), h('p.muted', {}, '选中一个用户任务或开始事件，即可编辑其表单（JSON Schema 与 UI Schema）。'));
      return;
    }
    const bo = element.businessObject;
    const files = formFiles(bo);
    pane.append(h('h2', {}, `环节表单：${bo.name || bo.id}`));
    if (!files.schema) {
      pane.append(h('p.muted', {}, '该环节还没有表单。'), h('button#new-form', {
        type: 'button',
        onClick: () => {
          const schemaFile = `${bo.id}.schema.json`;
          const uiFile = `${bo.id}.uischema.json`;
          forms[schemaFile] = forms[schemaFile] || skeleton(bo.name || bo.id);
          forms[uiFile] = forms[uiFile] || { 'opinion': { 'ui:widget': 'textarea' } };
          linkForm(modeler, element, schemaFile, uiFile);
          onChange();
          show(element);
        },
      }, '新建表单'));
      return;
    }
    const uiFile = files.ui || `${files.schema.replace(/\.schema\.json$/, '')}.uischema.json`;
    const previewHost = h('div.form-host.preview#form-preview');
    const status = h('div.json-status');
    const submitted = h('div.preview-result#preview-result');
    const render = () => {
      if (preview) preview.unmount();
      submitted.innerHTML = '';
      // the same renderer as the task page; submitting checks the data in the browser and shows it
      preview = mountForm(previewHost, {
        schema: forms[files.schema],
        uiSchema: forms[uiFile] || {},
        startForm: element.type === 'bpmn:StartEvent',
        attachmentNote: '预览中不能上传附件（办理时上传到办件）。',
        submitLabel: '预览提交（不会保存）',
        onSubmit: async (data) => {
          submitted.innerHTML = '';
          submitted.append(h('p.muted', {}, '校验通过。办理时将提交以下数据（预览，不会保存）：'),
            h('pre#preview-data', {}, JSON.stringify(data, null, 2)));
          return null;
        },
      });
    };
    const editor = (file, label) => {
      const area = h('textarea.json', { spellcheck: 'false', rows: 14, dataset: { file } });
      area.value = JSON.stringify(forms[file] ?? {}, null, 2);
      area.addEventListener('input', () => {
        try {
          const parsed = JSON.parse(area.value);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('须为 JSON 对象');
          forms[file] = parsed;
          area.classList.remove('invalid');
          status.textContent = '';
          if (!files.ui && file === uiFile) linkForm(modeler, element, files.schema, uiFile);
          onChange();
          render();
        } catch (error) {
          area.classList.add('invalid');
          status.textContent = `${label} 不是合法的 JSON：${error.message}`;
        }
      });
      return h('label.json-label', {}, `${label}（${file}）`, area);
    };
    pane.append(
      h('div.form-editor', {},
        h('div.form-sources', {}, editor(files.schema, 'JSON Schema'), editor(uiFile, 'UI Schema'), status),
        h('div.form-preview', {},
          h('div.preview-head', {}, h('h3', {}, '预览'),
            h('button.link#preview-reset', { type: 'button', onClick: () => render() }, '清空重填')),
          previewHost, submitted)));
    render();
  };
  modeler.get('eventBus').on('selection.changed', ({ newSelection }) => {
    show(newSelection.length === 1 ? newSelection[0] : null);
  });
  show(null);
}
