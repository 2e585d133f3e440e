// Where a case's diagram goes in a card, without bpmn-js: a page that draws the diagram late (the task
// page, once it is scrolled near) reserves the tools row and the canvas, whose height is fixed in CSS,
// so the form below does not jump when bpmn-js has drawn.

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

/** 放大 / 缩小 / 适应窗口, disabled until a viewer is wired to them (diagram.js zoomControls). */
export function zoomBar() {
  const button = (label, title, name) => {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = label;
    el.title = title;
    el.dataset.zoom = name;
    el.disabled = true;
    return el;
  };
  const bar = document.createElement('div');
  bar.className = 'zoom-controls';
  const hint = document.createElement('span');
  hint.className = 'muted';
  hint.textContent = '拖动平移，Ctrl + 滚轮缩放';
  bar.append(button('＋', '放大', 'in'), button('－', '缩小', 'out'), button('适应窗口', '显示整个流程图', 'fit'), hint);
  return bar;
}

/** The card's tools row (legend and zoom bar), zoom bar and canvas, made and appended if the card has none yet. */
export function diagramSlot(card) {
  let tools = card.querySelector(':scope > .diagram-tools');
  let canvas = card.querySelector(':scope > .diagram');
  if (!tools) {
    tools = document.createElement('div');
    tools.className = 'diagram-tools';
    tools.append(legend(), zoomBar());
    card.append(tools);
  }
  if (!canvas) {
    canvas = document.createElement('div');
    canvas.className = 'diagram';
    canvas.id = 'diagram';
    card.append(canvas);
  }
  return { tools, canvas, zoom: tools.querySelector(':scope > .zoom-controls') };
}
