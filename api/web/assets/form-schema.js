// What the renderer can show of a form: each field classified into a kind with its widget, or named as a
// problem. The subset is engine/forms/form_subset.json, shared with the server (engine/forms/render_check.py,
// which refuses at deployment what this refuses here, with the same messages); keep the two in step.
//
// analyseForm(schema, uiSchema, {startForm}) → {tree, fields, problems}
//   fields:   [{path, title, kind, widget, options, required, conditional}] (list items as "name[]")
//   problems: [{path, message, inUi}] — the fields left out of the form, with the server's message
//   tree:     what renderTree() turns into the schema / UI schema given to rjsf for the current data
import SUBSET from '../../../engine/forms/form_subset.json';

export { SUBSET };

const BRANCH_KEYS = new Set(['const', 'title', 'description', '$comment']);
const MAX_DEPTH = 12;
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isScalar = (value) => ['string', 'number', 'boolean'].includes(typeof value);

export function message(key, values = {}) {
  let text = SUBSET.messages[key];
  for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

export function fieldProblem(path, title, text) {
  return `字段 ${path}${title ? `（${title}）` : ''}：${text}`;
}

function label(value) {
  if (value === true) return '是';
  if (value === false) return '否';
  return String(value);
}

function fits(value, type) {
  if (type === 'boolean') return typeof value === 'boolean';
  if (typeof value === 'boolean') return false;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  return type === 'string' && typeof value === 'string';
}

function names(node) {
  const found = new Set(Array.isArray(node.required) ? node.required.filter((n) => typeof n === 'string') : []);
  if (isObject(node.properties)) Object.keys(node.properties).forEach((n) => found.add(n));
  return found;
}

/** [fields some if/then/else branch requires, every field the object's rules mention] (as the server). */
export function conditionalFields(schema) {
  const governed = new Set();
  const mentioned = new Set();
  const mention = (node) => {
    if (!isObject(node)) return;
    names(node).forEach((n) => mentioned.add(n));
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) (Array.isArray(node[keyword]) ? node[keyword] : []).forEach(mention);
    mention(node.not);
    if ('if' in node) {
      mention(node.if);
      mention(node.then);
      mention(node.else);
    }
    if (isObject(node.dependentRequired)) {
      for (const [name, needed] of Object.entries(node.dependentRequired)) {
        mentioned.add(name);
        (Array.isArray(needed) ? needed : []).forEach((n) => mentioned.add(n));
      }
    }
  };
  const govern = (node, inBranch) => {
    if (!isObject(node)) return;
    if (inBranch && Array.isArray(node.required)) node.required.forEach((n) => governed.add(n));
    (Array.isArray(node.allOf) ? node.allOf : []).forEach((sub) => govern(sub, inBranch));
    if ('if' in node) {
      govern(node.then, true);
      govern(node.else, true);
    }
    if (isObject(node.dependentRequired)) {
      Object.values(node.dependentRequired).forEach((needed) => (Array.isArray(needed) ? needed : []).forEach((n) => governed.add(n)));
    }
  };
  const top = { ...schema, properties: undefined, required: undefined };
  mention(top);
  govern(schema, false);
  return { governed, mentioned };
}

/** A field the UI schema keeps on the form whatever its conditions ("ui:options": {"alwaysShow": true}). */
export function alwaysShown(ui) {
  if (!isObject(ui)) return false;
  return ui['ui:alwaysShow'] === true || (isObject(ui['ui:options']) && ui['ui:options'].alwaysShow === true);
}

class Analyser {
  constructor(root, ui) {
    this.root = root;
    this.ui = isObject(ui) ? ui : {};
    this.fields = [];
    this.problems = [];
    this.expanding = [];
  }

  add(path, title, text, inUi = false) {
    this.problems.push({ path, message: path ? fieldProblem(path, title, text) : text, inUi });
  }

  resolve(node, path, title, seen = []) {
    while (isObject(node) && '$ref' in node) {
      const ref = node.$ref;
      if (typeof ref !== 'string' || !ref.startsWith('#')) {
        this.add(path, title, message('refExternal'));
        return null;
      }
      if (seen.includes(ref) || this.expanding.includes(ref) || ref === '#') {
        this.add(path, title, message('refCycle', { ref }));
        return null;
      }
      seen.push(ref);
      let target = this.root;
      for (let part of ref.slice(1).split('/')) {
        if (!part) continue;
        part = part.replace(/~1/g, '/').replace(/~0/g, '~');
        target = isObject(target) ? target[part] : undefined;
      }
      if (!isObject(target)) {
        this.add(path, title, message('refDangling', { ref }));
        return null;
      }
      const { $ref, ...siblings } = node;
      node = { ...target, ...siblings };
    }
    return node;
  }

  objectNode(schema, ui, prefix, depth, inItem) {
    ui = isObject(ui) ? ui : {};
    const props = isObject(schema.properties) ? schema.properties : {};
    const ownTitle = prefix ? schema.title : null;
    if ('additionalProperties' in schema && schema.additionalProperties !== false) {
      this.add(prefix, ownTitle, message('additionalProperties'));
    }
    for (const [keyword, text] of Object.entries(SUBSET.refusedKeywords)) {
      if (keyword in schema) this.add(prefix, ownTitle, text);
    }
    this.checkOrder(ui, Object.keys(props), prefix, ownTitle);
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const { governed, mentioned } = conditionalFields(schema);
    for (const name of [...governed]) if (alwaysShown(ui[name])) governed.delete(name);
    if (inItem && governed.size) this.add(prefix, schema.title, message('itemConditions'));
    for (const name of [...mentioned].filter((n) => !(n in props)).sort()) {
      this.add(prefix, ownTitle, message('undeclared', { name }));
    }
    const children = Object.entries(props).map(([name, prop]) => ({
      name,
      node: this.field(prop, ui[name], prefix ? `${prefix}/${name}` : name, depth + 1, inItem,
        required.has(name), governed.has(name) && !required.has(name)),
    }));
    return { kind: 'object', schema, ui, children, always: required, governed };
  }

  checkOrder(ui, known, prefix, title) {
    const order = ui['ui:order'];
    if (order === undefined) return;
    if (!Array.isArray(order) || !order.every((n) => typeof n === 'string')) {
      this.add(prefix, title, message('uiOrderType'), true);
      return;
    }
    for (const name of order) {
      if (name !== '*' && !known.includes(name)) this.add(prefix, title, message('uiOrderUnknown', { name }), true);
    }
  }

  field(raw, ui, path, depth, inItem, required = false, conditional = false) {
    const title = isObject(raw) ? raw.title : undefined;
    if (depth > MAX_DEPTH) {
      this.add(path, title, message('nested'));
      return null;
    }
    const refs = [];
    const schema = this.resolve(raw, path, title, refs);
    if (schema === null) return null;
    if (!isObject(schema)) {
      this.add(path, null, message('noType'));
      return null;
    }
    this.expanding.push(...refs);
    try {
      return this.ownField(schema, isObject(ui) ? ui : {}, path, depth, inItem, required, conditional);
    } finally {
      this.expanding.splice(this.expanding.length - refs.length, refs.length);
    }
  }

  ownField(schema, ui, path, depth, inItem, required, conditional) {
    const { title } = schema;
    if (!title && !path.endsWith('[]')) this.add(path, null, message('noTitle'));
    for (const [keyword, text] of Object.entries(SUBSET.refusedKeywords)) {
      if (keyword in schema) {
        this.add(path, title, text);
        return null;
      }
    }
    if ('ui:field' in ui) {
      this.add(path, title, message('uiField'), true);
      return null;
    }
    if ('allOf' in schema) {
      this.add(path, title, message('compound', { keyword: 'allOf' }));
      return null;
    }
    const found = this.classify(schema, ui, path, title, depth, inItem);
    if (!found) return null;
    const widget = this.widget(found.kind, schema, ui, found.options || [], path, title);
    if (!widget) return null;
    const node = { ...found, schema, ui, path, title: title || '', widget, required, conditional };
    this.fields.push({
      path, title: title || '', kind: found.kind, widget, options: found.options || [], required, conditional,
    });
    return node;
  }

  classify(schema, ui, path, title, depth, inItem) {
    let { type } = schema;
    if (Array.isArray(type)) {
      this.add(path, title, message('typeList'));
      return null;
    }
    if (type !== undefined && !SUBSET.types.includes(type)) {
      this.add(path, title, message('badType', { type }));
      return null;
    }
    const options = this.choices(schema, ui, path, title);
    if (options === false) return null;
    if (options.length) {
      for (const [value] of options) {
        if (type !== undefined && !fits(value, type)) {
          this.add(path, title, message('choiceType', { value: JSON.stringify(value), type }));
          return null;
        }
      }
      return { kind: 'choice', options, type: type || inferType(options) };
    }
    if ('const' in schema) {
      if (type === 'boolean' && schema.const === true) return { kind: 'confirm' };
      this.add(path, title, message('constField'));
      return null;
    }
    const { format } = schema;
    if (type === undefined) {
      if (!('properties' in schema)) {
        this.add(path, title, message('noType'));
        return null;
      }
      type = 'object';
    }
    if (format === SUBSET.attachmentFormat) {
      if (type !== 'integer') {
        this.add(path, title, message('attachmentType'));
        return null;
      }
      return { kind: 'attachment' };
    }
    if (type === 'string') {
      if (format === undefined) return { kind: 'text' };
      if (format in SUBSET.stringFormats) return { kind: SUBSET.stringFormats[format] };
      this.add(path, title, message('badFormat', { format }));
      return null;
    }
    if (type === 'integer' || type === 'number') return { kind: 'number', type };
    if (type === 'boolean') return { kind: 'boolean' };
    if (type === 'object') return { ...this.objectNode(schema, ui, path, depth, inItem) };
    return this.array(schema, ui, path, title, depth);
  }

  array(schema, ui, path, title, depth) {
    const { items } = schema;
    if (!isObject(items)) {
      this.add(path, title, message('noItems'));
      return null;
    }
    const resolved = this.resolve(items, path, title, [...this.expanding]);
    if (resolved === null) return null;
    const itemUi = isObject(ui.items) ? ui.items : {};
    if (resolved.format === SUBSET.attachmentFormat) {
      if (resolved.type !== 'integer') {
        this.add(path, title, message('attachmentType'));
        return null;
      }
      return { kind: 'attachments' };
    }
    const options = this.choices(resolved, itemUi, path, title);
    if (options === false) return null;
    if (options.length && schema.uniqueItems === true) {
      for (const [value] of options) {
        if (typeof resolved.type === 'string' && !fits(value, resolved.type)) {
          this.add(path, title, message('choiceType', { value: JSON.stringify(value), type: resolved.type }));
          return null;
        }
      }
      return { kind: 'multichoice', options, type: resolved.type || inferType(options) };
    }
    const item = this.field(items, itemUi, `${path}[]`, depth + 1, true);
    return item ? { kind: 'list', item } : null;
  }

  choices(schema, ui, path, title) {
    if ('enum' in schema) {
      const values = schema.enum;
      if (!Array.isArray(values) || !values.length || !values.every(isScalar)) {
        this.add(path, title, message('choiceValue'));
        return false;
      }
      const names = ui['ui:enumNames'];
      if (names !== undefined && (!Array.isArray(names) || names.length !== values.length)) {
        this.add(path, title, message('choiceTitles'), true);
        return false;
      }
      return values.map((v, i) => [v, names ? String(names[i]) : label(v)]);
    }
    for (const keyword of ['oneOf', 'anyOf']) {
      if (!(keyword in schema)) continue;
      const branches = schema[keyword];
      if (!Array.isArray(branches) || !branches.length) {
        this.add(path, title, message('alternatives'));
        return false;
      }
      const options = [];
      for (const [i, branch] of branches.entries()) {
        if (!isObject(branch) || !('const' in branch) || Object.keys(branch).some((k) => !BRANCH_KEYS.has(k))) {
          this.add(path, title, message('choiceBranch', { index: i + 1 }));
          return false;
        }
        if (!isScalar(branch.const)) {
          this.add(path, title, message('choiceValue'));
          return false;
        }
        options.push([branch.const, String(branch.title || label(branch.const))]);
      }
      return options;
    }
    return [];
  }

  widget(kind, schema, ui, options, path, title) {
    const allowed = SUBSET.widgets[kind];
    const chosen = ui['ui:widget'];
    if (chosen !== undefined) {
      if (!allowed.includes(chosen)) {
        this.add(path, title, message('widget', { widget: chosen, allowed: allowed.length ? allowed.join('、') : '无' }), true);
        return null;
      }
      return chosen;
    }
    return defaultWidget(kind, schema, options);
  }
}

function inferType(options) {
  const values = options.map(([v]) => v);
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => Number.isInteger(v))) return 'integer';
  if (values.every((v) => typeof v === 'number')) return 'number';
  return 'string';
}

export function defaultWidget(kind, schema, options) {
  if (kind === 'choice') return options.length <= SUBSET.radioMaxOptions ? 'radio' : 'select';
  if (kind === 'text') {
    return Number.isInteger(schema.maxLength) && schema.maxLength > SUBSET.textareaAboveLength ? 'textarea' : 'text';
  }
  return {
    boolean: 'radio', confirm: 'checkbox', multichoice: 'checkboxes', number: 'updown', list: 'list', object: 'object',
  }[kind] || kind;
}

export function analyseForm(schema, uiSchema, { startForm = false } = {}) {
  const analyser = new Analyser(isObject(schema) ? schema : {}, uiSchema);
  if (!isObject(schema) || (schema.type ?? 'object') !== 'object' || (!('properties' in schema) && schema.type !== 'object')) {
    analyser.add('', null, message('notObject'));
    return { tree: null, fields: [], problems: analyser.problems };
  }
  const tree = analyser.objectNode(schema, uiSchema, '', 0, false);
  if (startForm) {
    // a start form has no case to attach files to (the server refuses these at deployment as well)
    const files = analyser.fields.filter((f) => f.kind === 'attachment' || f.kind === 'attachments');
    for (const file of files) {
      analyser.problems.push({ path: file.path, message: fieldProblem(file.path, file.title, message('startAttachment')), inUi: false });
    }
    const drop = (node) => {
      for (const child of node.children) {
        const top = child.node && child.node.path;
        if (top && files.some((f) => f.path === top || f.path.startsWith(`${top}/`) || f.path.startsWith(`${top}[]`))) {
          if (child.node.kind === 'object' && !files.some((f) => f.path === top)) drop(child.node);
          else child.node = null;
        }
      }
    };
    drop(tree);
  }
  return { tree, fields: analyser.fields, problems: analyser.problems };
}
