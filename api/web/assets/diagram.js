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

export async function fetchForms(key, version) {
  const result = await api(`/process-definitions/${encodeURIComponent(key)}/versions/${version}/forms`,
    { allow: [404, 405] });
  return result.status === 200 ? result.body : null;
}

/** A read-only diagram in container; resolves to the viewer once the XML is shown. */
export async function showDiagram(container, xml) {
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  return viewer;
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
