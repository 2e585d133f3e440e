// One version of a procedure, read-only: its diagram; clicking a task shows its form as a clerk sees it.
import { directory, h, showError, startPage } from './common.js';
import { diagramUnavailable, fetchForms, fetchXml, processName, showRoleNames } from './diagram.js';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { formFiles, moddleExtensions } from './spiff.js';
import { mountForm } from './forms.js';

async function main() {
  const { app } = await startPage('definitions');
  const { key } = app.dataset;
  const version = Number(app.dataset.version);
  const header = h('section.card', {}, h('h1', {}, `${key} · 第 ${version} 版（只读）`),
    h('div.button-row', {}, h('a.button', { href: '/definitions' }, '返回流程定义'),
      h('a.button.primary', { href: `/modeler/${key}` }, '在建模器中编辑最新版本')));
  const canvas = h('div.diagram#diagram');
  const formPane = h('section.card#form-preview', {}, h('h2', {}, '环节表单'), h('p.muted', {}, '点击流程图中的任务查看其表单。'));
  app.append(header, h('section.card', {}, canvas), formPane);
  let xml;
  let forms;
  try {
    [xml, forms] = await Promise.all([fetchXml(key, version), fetchForms(key, version)]);
  } catch (error) {
    diagramUnavailable(canvas, error);
    return;
  }
  const viewer = new NavigatedViewer({ container: canvas, moddleExtensions });
  try {
    await viewer.importXML(xml);
  } catch (error) {
    showError(app, error);
    return;
  }
  showRoleNames(viewer, await directory());
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  const name = processName(viewer);
  header.querySelector('h1').textContent = `${name || key} · 第 ${version} 版（只读）`;
  canvas.dataset.ready = 'true';
  let mounted = null;
  viewer.get('eventBus').on('element.click', ({ element }) => {
    const files = formFiles(element.businessObject);
    formPane.innerHTML = '';
    formPane.append(h('h2', {}, `环节表单：${element.businessObject.name || element.id}`));
    if (mounted) mounted.unmount();
    mounted = null;
    if (!files.schema) {
      formPane.append(h('p.muted', {}, '该元素没有表单。'));
      return;
    }
    formPane.append(h('p.muted', {}, `${files.schema}${files.ui ? ` · ${files.ui}` : ''}`));
    const host = h('div.form-host');
    formPane.append(host);
    mounted = mountForm(host, {
      schema: forms && forms[files.schema], uiSchema: (forms && files.ui && forms[files.ui]) || {}, readonly: true,
    });
  });
}

main().catch((error) => showError(document.getElementById('app'), error));
