// 流程建模: bpmn-js Modeler with its properties panel on the latest version; validate against the
// server (problems marked on their elements), edit task forms, deploy as a new version.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import limitsPanelModule from './limits-panel.js'; // 办理时限 group (engine/limits/model.py)
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import { api, ApiError, directory, h, showError, startPage } from './common.js';
import { fetchForms, fetchXml } from './diagram.js';
import { formEditor } from './form-editor.js';
import { shequPanelModule } from './modeler-panel.js';
import { formFiles, moddleExtensions } from './spiff.js';
import { translateAttributes, translateModule } from './translations.js';

function multipart(key, xml, forms) {
  const body = new FormData();
  body.append('bpmn', new Blob([xml], { type: 'application/xml' }), `${key}.bpmn`);
  for (const [name, doc] of Object.entries(forms)) {
    body.append('forms', new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }), name);
  }
  return body;
}

class Problems {
  constructor(modeler, list) {
    this.modeler = modeler;
    this.list = list;
    this.marked = [];
  }

  clear() {
    const canvas = this.modeler.get('canvas');
    for (const id of this.marked) canvas.removeMarker(id, 'has-problem');
    this.modeler.get('overlays').remove({ type: 'problem' });
    this.marked = [];
    this.list.innerHTML = '';
  }

  show(details) {
    this.clear();
    const registry = this.modeler.get('elementRegistry');
    const overlays = this.modeler.get('overlays');
    const canvas = this.modeler.get('canvas');
    for (const detail of details) {
      const id = String(detail.path || '').split(/[/:]/)[0];
      // a problem in a form file is shown on the elements whose form it is
      const element = registry.get(id) || registry.get(detail.path) || registry.find((el) => {
        const files = formFiles(el.businessObject);
        return files.schema === detail.path || files.ui === detail.path;
      });
      const item = h('li', {}, h('code', {}, detail.path || '—'), `　${detail.message}`);
      if (element) {
        canvas.addMarker(element, 'has-problem');
        this.marked.push(element.id);
        overlays.add(element, 'problem', {
          position: { bottom: -6, left: 0 },
          html: `<div class="problem-overlay" title="${detail.message.replace(/"/g, '&quot;')}">⚠ ${detail.message
            .replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>`,
        });
        item.classList.add('on-element');
        item.addEventListener('click', () => {
          this.modeler.get('selection').select(element);
          canvas.scrollToElement(element);
        });
      }
      this.list.append(item);
    }
  }
}

/**
 * Lanes keep their role id as name (that is what is saved and what the engine reads); a badge beside
 * each lane's label shows the role's Chinese name, or warns when the name is not a known role.
 */
function roleBadges(modeler, dir) {
  const overlays = modeler.get('overlays');
  const registry = modeler.get('elementRegistry');
  const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const draw = () => {
    overlays.remove({ type: 'role-name' });
    for (const lane of registry.filter((el) => el.type === 'bpmn:Lane')) {
      const id = lane.businessObject.name || '';
      const name = dir.roles.get(id);
      overlays.add(lane, 'role-name', {
        position: { top: 4, left: 34 },
        scale: { min: 1 },
        html: name
          ? `<div class="lane-role" data-role="${escape(id)}" title="泳道名称（角色标识）：${escape(id)}">${escape(name)}</div>`
          : `<div class="lane-role unknown" title="泳道名称须为角色标识">⚠ ${id ? `“${escape(id)}”不是已知角色` : '泳道未命名角色'}</div>`,
      });
    }
  };
  draw();
  modeler.on('elements.changed', ({ elements }) => {
    if (elements.some((el) => el.type === 'bpmn:Lane' || el.type === 'bpmn:Participant')) draw();
  });
}

/** The panel's header names a lane by its role's Chinese name (the lane's name is the role id). */
function laneHeaderNames(panel, modeler, dir) {
  const show = () => {
    const selected = modeler.get('selection').get();
    const label = panel.querySelector('.bio-properties-panel-header-label');
    if (!label || selected.length !== 1 || selected[0].type !== 'bpmn:Lane') return;
    const id = selected[0].businessObject.name || '';
    const name = dir.roles.get(id);
    // change the text node preact rendered (it keeps updating that node when the lane is renamed)
    const text = label.firstChild;
    if (name && text && text.nodeType === Node.TEXT_NODE && text.data !== name) {
      text.data = name;
      label.title = `角色标识：${id}`;
    }
  };
  new MutationObserver(show).observe(panel, { subtree: true, childList: true, characterData: true });
}

/** Fit the whole diagram into the canvas to the right of the palette (which would hide the lane labels). */
function fitBesidePalette(canvas, left = 120, pad = 16) {
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return;
  const scale = Math.min((outer.width - left - pad) / inner.width, (outer.height - 2 * pad) / inner.height, 1);
  const height = outer.height / scale;
  canvas.viewbox({
    x: inner.x - left / scale, y: inner.y - (height - inner.height) / 2, width: outer.width / scale, height,
  });
}

async function main() {
  const { app } = await startPage('definitions');
  const { key } = app.dataset;
  const title = h('h1', {}, `流程建模：${key}`);
  const status = h('div.status#modeler-status', { role: 'status' });
  const problemsList = h('ul.problems#problems');
  const validateButton = h('button#validate', { type: 'button' }, '校验');
  const deployButton = h('button.primary#deploy', { type: 'button' }, '部署为新版本');
  const downloadButton = h('button#download', { type: 'button' }, '下载 BPMN');
  const canvas = h('div.modeler-canvas#canvas');
  const panel = h('div.properties#properties');
  const formPane = h('section.card#form-editor');
  app.append(
    h('section.card', {}, title, h('div.button-row', {}, validateButton, deployButton, downloadButton,
      h('a.button', { href: '/definitions' }, '返回流程定义')), status, problemsList),
    h('div.modeler', {}, canvas, panel),
    formPane);

  let latest;
  let xml;
  let forms;
  try {
    latest = (await api('/process-definitions')).body.find((d) => d.key === key);
    if (!latest) throw new Error(`流程 ${key} 不存在`);
    [xml, forms] = await Promise.all([fetchXml(key, latest.version), fetchForms(key, latest.version)]);
    forms = forms || {};
  } catch (error) {
    showError(app, error instanceof ApiError && (error.status === 404 || error.status === 405)
      ? new Error('服务器尚未提供版本 XML / 表单接口，无法打开建模器。') : error);
    return;
  }
  title.textContent = `流程建模：${latest.name}（基于第 ${latest.version} 版）`;
  const dir = await directory();
  // the properties panel opens a task's form files here, in the form editor below the diagram
  const openForm = (element, file) => {
    formPane.scrollIntoView({ block: 'start' });
    const box = file ? formPane.querySelector(`textarea[data-file="${CSS.escape(file)}"]`) : null;
    if (box) box.focus();
    else if (!file) formPane.querySelector('button#new-form')?.focus();
  };
  const modeler = new Modeler({
    container: canvas,
    propertiesPanel: { parent: panel, layout: { groups: { general: { open: true }, shequForms: { open: true } } } },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, translateModule, shequPanelModule,
      limitsPanelModule],
    moddleExtensions,
    shequ: { roles: [...dir.roles].map(([id, name]) => ({ id, name })), openForm },
  });
  translateAttributes(panel);
  try {
    await modeler.importXML(xml);
  } catch (error) {
    showError(app, error);
    return;
  }
  fitBesidePalette(modeler.get('canvas'));
  roleBadges(modeler, dir);
  laneHeaderNames(panel, modeler, dir);
  canvas.dataset.ready = 'true';
  const problems = new Problems(modeler, problemsList);
  let dirty = false;
  const changed = () => {
    dirty = true;
    status.textContent = '有未部署的修改。';
  };
  modeler.on('commandStack.changed', changed);
  formEditor(formPane, modeler, forms, changed);
  window.addEventListener('beforeunload', (event) => {
    if (dirty) event.preventDefault();
  });

  const send = async (path, button, busyText) => {
    button.disabled = true;
    status.textContent = busyText;
    status.className = 'status';
    try {
      const { xml: current } = await modeler.saveXML({ format: true });
      const result = await api(path, { method: 'POST', form: multipart(key, current, forms), allow: [422] });
      if (result.status === 422) {
        problems.show(result.body.error.details || [{ path: '', message: result.body.error.message }]);
        status.textContent = `校验未通过（${(result.body.error.details || []).length} 个问题）：${result.body.error.message}`;
        status.className = 'status error';
        return null;
      }
      problems.clear();
      return result;
    } catch (error) {
      status.textContent = `失败：${error.message}`;
      status.className = 'status error';
      return null;
    } finally {
      button.disabled = false;
    }
  };
  validateButton.addEventListener('click', async () => {
    const result = await send('/process-definitions/validate', validateButton, '正在校验…');
    if (result) {
      status.textContent = '校验通过，可以部署。';
      status.className = 'status ok';
    }
  });
  deployButton.addEventListener('click', async () => {
    const result = await send('/process-definitions', deployButton, '正在部署…');
    if (result) {
      const deployed = result.body || {};
      dirty = false;
      status.textContent = result.status === 201
        ? `已部署为第 ${deployed.version} 版，新发起的办件将使用此版本。`
        : `内容与第 ${deployed.version} 版相同，未生成新版本。`;
      status.className = 'status ok';
      if (deployed.version) title.textContent = `流程建模：${deployed.name || latest.name}（基于第 ${deployed.version} 版）`;
    }
  });
  downloadButton.addEventListener('click', async () => {
    const { xml: current } = await modeler.saveXML({ format: true });
    const url = URL.createObjectURL(new Blob([current], { type: 'application/xml' }));
    const link = h('a', { href: url, download: `${key}.bpmn` });
    document.body.append(link);
    link.click();
    link.remove();
  });
}

main();
