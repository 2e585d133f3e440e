// Diagrams of a definition version (bpmn-js NavigatedViewer) coloured by a case's state.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import { api, ApiError } from './common.js';

export async function fetchXml(key, version) {
  const response = await api(`/process-definitions/${encodeURIComponent(key)}/versions/${version}/xml`, { raw: true });
  return response.text();
}

export { fetchForms } from './common.js';

/** A read-only diagram in container; resolves to the viewer once the XML is shown. */
export async function showDiagram(container, xml, dir = null) {
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  if (dir) showRoleNames(viewer, dir);
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  return viewer;
}

/**
 * Lanes are named by role ids (the BPMN convention the engine relies on); a read-only diagram shows
 * the role's Chinese name instead. Only the rendered label changes, never the BPMN that was loaded.
 * dir.roles: Map role id → name (common.directory()).
 */
export function showRoleNames(viewer, dir) {
  const registry = viewer.get('elementRegistry');
  const graphics = viewer.get('graphicsFactory');
  for (const lane of registry.filter((el) => el.type === 'bpmn:Lane')) {
    const bo = lane.businessObject;
    const name = bo.name && dir.roles.get(bo.name);
    if (!name) continue;
    const gfx = registry.getGraphics(lane);
    gfx.dataset.role = bo.name;
    bo.name = name;
    graphics.update('shape', lane, gfx);
  }
}

/** The name of the process in a diagram (a pool's process or the root process). */
export function processName(viewer) {
  const definitions = viewer.getDefinitions();
  const process = ((definitions && definitions.rootElements) || []).find((e) => e.$type === 'bpmn:Process');
  return (process && process.name) || '';
}

/** Explain an unavailable diagram (e.g. the versions endpoint not deployed). */
export function diagramUnavailable(container, error) {
  container.classList.add('unavailable');
  container.textContent = error instanceof ApiError && (error.status === 404 || error.status === 405)
    ? '流程图暂不可用（服务器尚未提供版本 XML 接口）。' : `流程图无法显示：${error.message || error}`;
}

const MARKERS = ['state-completed', 'state-active', 'flow-taken'];

/** The case's state after one journal entry: {completed: [ids], active: [ids], flows_taken: [ids], data, …}. */
export function normaliseState(body) {
  const state = (body && (body.state || body)) || {};
  const ids = (list) => (list || []).map((x) => (typeof x === 'string' ? x : x.element_id || x.id)).filter(Boolean);
  return { ...state, completed: ids(state.completed), active: ids(state.active), flows_taken: state.flows_taken || null };
}

export function colour(viewer, state, flows = []) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  for (const element of registry.getAll()) {
    for (const marker of MARKERS) canvas.removeMarker(element, marker);
  }
  const mark = (id, marker) => {
    if (registry.get(id)) canvas.addMarker(id, marker);
  };
  const active = new Set(state.active);
  for (const id of state.completed) if (!active.has(id)) mark(id, 'state-completed');
  for (const id of active) mark(id, 'state-active');
  for (const id of flows) mark(id, 'flow-taken');
}

/** Flow ids taken by the journal entries up to and including seq. */
export function flowsUpTo(entries, seq) {
  const flows = [];
  for (const entry of entries) {
    if (entry.seq > seq) break;
    for (const flow of (entry.payload && entry.payload.flows) || []) flows.push(typeof flow === 'string' ? flow : flow.id);
  }
  return flows;
}

export function legend() {
  const item = (cls, text) => {
    const el = document.createElement('span');
    el.className = `legend-item ${cls}`;
    el.textContent = text;
    return el;
  };
  const box = document.createElement('div');
  box.className = 'legend';
  box.append(item('completed', '已完成'), item('active', '当前环节'), item('flow', '已走过的连线'));
  return box;
}
