// 决策表: a procedure's DMN decision tables in dmn-js (the latest version), edited in place and deployed
// with the procedure as its next version. Only this page loads dmn-js (its own bundle).
import DmnModeler from 'dmn-js/lib/Modeler';
import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';
import { api, h, showError, startPage } from './common.js';
import { fetchForms, fetchXml } from './diagram.js';
import { dmnTranslateModule } from './dmn-translations.js';

async function fetchDecisions(key, version) {
  return (await api(`/process-definitions/${encodeURIComponent(key)}/versions/${version}/decisions`)).body || {};
}

function upload(key, xml, forms, decisions) {
  const body = new FormData();
  body.append('bpmn', new Blob([xml], { type: 'application/xml' }), `${key}.bpmn`);
  for (const [name, doc] of Object.entries(forms)) {
    body.append('forms', new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }), name);
  }
  for (const [name, text] of Object.entries(decisions)) {
    body.append('decisions', new Blob([text], { type: 'application/xml' }), name);
  }
  return body;
}

/** Open the first decision table (a DMN file without a DRD diagram has no drawing to show). */
async function openTable(modeler) {
  const views = modeler.getViews();
  const table = views.find((v) => v.type === 'decisionTable') || views[0];
  if (table) await modeler.open(table);
}

async function main() {
  const { app } = await startPage('definitions');
  const { key } = app.dataset;
  const title = h('h1', {}, `决策表：${key}`);
  const status = h('div.status#dmn-status', { role: 'status' });
  const problems = h('ul.problems#dmn-problems');
  const files = h('div.button-row#dmn-files');
  const deploy = h('button.primary#dmn-deploy', { type: 'button', disabled: true }, '部署为新版本');
  const download = h('button#dmn-download', { type: 'button', disabled: true }, '下载 DMN');
  const canvas = h('div.dmn-canvas#dmn-canvas');
  app.append(h('section.card', {}, title,
    h('p.muted', {}, '业务规则任务按决策表判定（条件用本引擎的表达式写法，例如 > 10000、"elderly"）。修改后与流程一起部署为新版本；已在办的办件继续使用原版本。'),
    files, h('div.button-row', {}, deploy, download, h('a.button', { href: '/definitions' }, '返回流程定义')),
    status, problems), h('section.card', {}, canvas));

  let definition;
  let decisions;
  let forms;
  let bpmn;
  try {
    definition = (await api('/process-definitions')).body.find((d) => d.key === key);
    if (!definition) throw new Error(`流程 ${key} 不存在`);
    [decisions, forms, bpmn] = await Promise.all([fetchDecisions(key, definition.version),
      fetchForms(key, definition.version), fetchXml(key, definition.version)]);
  } catch (error) {
    showError(app, error);
    return;
  }
  title.textContent = `决策表：${definition.name}（基于第 ${definition.version} 版）`;
  const names = Object.keys(decisions).sort();
  if (!names.length) {
    status.textContent = '该流程没有决策表（DMN 文件）。在建模器中为业务规则任务上传 DMN 文件后即可在此编辑。';
    return;
  }
  // dmn-js takes modules per view (a common list would be replaced by each view's own)
  const chinese = { additionalModules: [dmnTranslateModule] };
  const modeler = new DmnModeler({ container: canvas, drd: chinese, decisionTable: chinese, literalExpression: chinese });
  const edited = { ...decisions };
  let current = null;
  let dirty = false;
  const keepCurrent = async () => {
    if (current === null) return;
    const { xml } = await modeler.saveXML({ format: true });
    edited[current] = xml;
  };
  const show = async (name) => {
    await keepCurrent();
    current = name;
    files.querySelectorAll('button').forEach((b) => b.classList.toggle('primary', b.dataset.file === name));
    try {
      await modeler.importXML(edited[name]);
      await openTable(modeler);
    } catch (error) {
      showError(canvas, error);
      return;
    }
    const active = modeler.getActiveViewer();
    if (active) active.on('elements.changed', () => { dirty = true; status.textContent = '有未部署的修改。'; });
    canvas.dataset.ready = name;
    deploy.disabled = false;
    download.disabled = false;
  };
  files.append(...names.map((name) => h('button', { type: 'button', dataset: { file: name }, onClick: () => show(name) }, name)));
  window.addEventListener('beforeunload', (event) => { if (dirty) event.preventDefault(); });

  deploy.addEventListener('click', async () => {
    deploy.disabled = true;
    problems.innerHTML = '';
    status.className = 'status';
    status.textContent = '正在部署…';
    try {
      await keepCurrent();
      const result = await api('/process-definitions', { method: 'POST', form: upload(key, bpmn, forms, edited), allow: [422] });
      if (result.status === 422) {
        const details = result.body.error.details || [];
        problems.append(...details.map((d) => h('li', {}, h('code', {}, d.path || '—'), `　${d.message}`)));
        status.textContent = `校验未通过：${result.body.error.message}`;
        status.className = 'status error';
        return;
      }
      dirty = false;
      const body = result.body || {};
      status.textContent = result.status === 201 ? `已部署为第 ${body.version} 版，新发起的办件将使用此版本。`
        : `内容与第 ${body.version} 版相同，未生成新版本。`;
      status.className = 'status ok';
      if (body.version) title.textContent = `决策表：${body.name || definition.name}（基于第 ${body.version} 版）`;
    } catch (error) {
      status.textContent = `失败：${error.message}`;
      status.className = 'status error';
    } finally {
      deploy.disabled = false;
    }
  });
  download.addEventListener('click', async () => {
    await keepCurrent();
    const url = URL.createObjectURL(new Blob([edited[current]], { type: 'application/xml' }));
    const link = h('a', { href: url, download: current });
    document.body.append(link);
    link.click();
    link.remove();
  });
  await show(names[0]);
}

main().catch((error) => showError(document.getElementById('app'), error));
