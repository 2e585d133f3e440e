// Diagrams of a definition version (bpmn-js NavigatedViewer) coloured by a case's state.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import { api, ApiError } from './common.js';
import { diagramSlot, legend, zoomBar } from './diagram-slot.js';

export { legend };

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

const LEGIBLE = 0.7;

/**
 * Wires the 放大 / 缩小 / 适应窗口 buttons of bar (the page's reserved row, or a new one) to a viewer.
 * A wide procedure fitted to the box is too small to read, so the first view is the whole diagram only
 * when it stays legible, else a legible scale around focus (the elements where the case stands).
 */
export function zoomControls(viewer, focus = [], bar = zoomBar()) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const fit = () => canvas.zoom('fit-viewport', 'auto');
  const step = (factor) => canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)));
  const actions = { in: () => step(1.25), out: () => step(0.8), fit };
  for (const el of bar.querySelectorAll('button[data-zoom]')) {
    el.addEventListener('click', actions[el.dataset.zoom]);
    el.disabled = false;
  }
  fit();
  const shapes = focus.map((id) => registry.get(id)).filter(Boolean);
  if (canvas.zoom() < LEGIBLE) {
    if (shapes.length) {
      const xs = shapes.flatMap((s) => [s.x, s.x + s.width]);
      const ys = shapes.flatMap((s) => [s.y, s.y + s.height]);
      const center = { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 };
      canvas.zoom(LEGIBLE, 'auto');
      const box = canvas.viewbox();
      canvas.viewbox({ x: center.x - box.width / 2, y: center.y - box.height / 2, width: box.width, height: box.height });
    } else {
      // nothing to centre on: the diagram's beginning, where a reader starts
      const { inner } = canvas.viewbox();
      canvas.zoom(LEGIBLE, 'auto');
      const box = canvas.viewbox();
      canvas.viewbox({ x: inner.x - 20, y: inner.y + inner.height / 2 - box.height / 2, width: box.width, height: box.height });
    }
  }
  return bar;
}

/**
 * The case's diagram as it stands now (the state after its last journal entry): done elements, the
 * current steps, the flows taken; with zoom controls. Fills card; the canvas gets data-ready when done.
 */
export async function caseDiagram(card, instance, dir) {
  // a page that draws the diagram late keeps its place in the card (diagramSlot), so nothing below it moves
  const { canvas, zoom } = diagramSlot(card);
  try {
    const [xml, head] = await Promise.all([
      fetchXml(instance.definition_key, instance.definition_version),
      api(`/process-instances/${instance.id}/history?limit=1`, { allow: [403, 404] }),
    ]);
    const viewer = await showDiagram(canvas, xml, dir);
    const last = head.status === 200 ? Number(head.headers.get('X-Total-Count') || 0) : 0;
    let state = { active: instance.active_tasks.map((t) => t.element_id), completed: [], flows_taken: [] };
    if (last) {
      const result = await api(`/process-instances/${instance.id}/history/${last}/state`, { allow: [403, 404, 409] });
      if (result.status === 200) state = normaliseState(result.body);
    }
    colour(viewer, state, state.flows_taken || []);
    // where the case stands: its open steps, or the end event a finished case reached
    const registry = viewer.get('elementRegistry');
    const ends = state.completed.filter((id) => (registry.get(id) || {}).type === 'bpmn:EndEvent');
    zoomControls(viewer, state.active.length ? state.active : ends, zoom);
    canvas.dataset.ready = 'true';
    return viewer;
  } catch (error) {
    zoom.remove(); // nothing to zoom
    diagramUnavailable(canvas, error instanceof ApiError ? error : new Error(String(error.message || error)));
    return null;
  }
}
