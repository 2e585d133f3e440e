// From the analysed form (form-schema.js) and the data being filled in, the schema and UI schema rjsf
// renders: only the fields that apply, each with its widget.
//
// A field is conditional when it is not always required but an if/then/else branch requires it
// (e.g. 补正要求 when 扎口意见 is 退回补正): it is shown while such a branch applies and hidden — its
// value left out of the data — otherwise; a branch that forbids a field ({"not": {}} or false) hides
// it too. The rules themselves stay with the full schema, which the validator checks (forms.js).

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const KEEP = ['title', 'description', 'default', 'readOnly', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'minLength', 'maxLength'];

function annotations(schema) {
  const out = {};
  for (const key of KEEP) if (key in schema) out[key] = schema[key];
  return out;
}

const forbids = (schema) => schema === false || (isObject(schema) && isObject(schema.not) && !Object.keys(schema.not).length);

/** Fields required and forbidden by the branches that apply to an object's data. */
export function branchEffects(schema, data, holds) {
  const required = new Set();
  const forbidden = new Set();
  const visit = (node) => {
    if (!isObject(node)) return;
    (Array.isArray(node.allOf) ? node.allOf : []).forEach(visit);
    if ('if' in node) {
      const branch = holds(node.if, data) ? node.then : node.else;
      if (isObject(branch)) {
        (Array.isArray(branch.required) ? branch.required : []).forEach((n) => required.add(n));
        for (const [name, sub] of Object.entries(isObject(branch.properties) ? branch.properties : {})) {
          if (forbids(sub)) forbidden.add(name);
        }
        visit(branch);
      }
    }
    if (isObject(node.dependentRequired)) {
      for (const [name, needed] of Object.entries(node.dependentRequired)) {
        if (isObject(data) && data[name] !== undefined && Array.isArray(needed)) needed.forEach((n) => required.add(n));
      }
    }
  };
  visit(schema);
  return { required, forbidden };
}

function visibleChildren(node, data, holds) {
  const effects = branchEffects(node.schema, isObject(data) ? data : {}, holds);
  const shown = node.children.filter(({ name, node: child }) => child
    && !effects.forbidden.has(name)
    && (!node.governed.has(name) || node.always.has(name) || effects.required.has(name)));
  return { shown, effects };
}

/** The data with every field that does not apply (now) left out; repeated until nothing changes. */
export function applicableData(tree, data, holds) {
  const prune = (node, value) => {
    if (!node || node.kind !== 'object' || !isObject(value)) return value;
    const { shown } = visibleChildren(node, value, holds);
    const out = {};
    for (const { name, node: child } of shown) {
      if (name in value) out[name] = prune(child, value[name]);
    }
    return out; // keys the form has no field for are left out too: the form submits its own fields
  };
  let current = data;
  for (let round = 0; round < 8; round += 1) {
    const next = prune(tree, current);
    if (JSON.stringify(next) === JSON.stringify(current)) return next;
    current = next;
  }
  return current;
}

function order(ui, shownNames) {
  const wanted = Array.isArray(ui['ui:order']) ? ui['ui:order'].filter((n) => n === '*' || shownNames.includes(n)) : [];
  const listed = wanted.filter((n) => n !== '*');
  const rest = shownNames.filter((n) => !listed.includes(n));
  const star = wanted.indexOf('*');
  if (star < 0) return [...listed, ...rest];
  return [...wanted.slice(0, star), ...rest, ...wanted.slice(star + 1)];
}

function choiceSchema(node) {
  return { type: node.type, oneOf: node.options.map(([value, title]) => ({ const: value, title })) };
}

/** {schema, uiSchema} for rjsf: one node of the analysed form, given its data. */
export function renderNode(node, data, holds) {
  const { schema } = node;
  const base = annotations(schema);
  const ui = { ...node.ui };
  delete ui['ui:enumNames'];
  switch (node.kind) {
    case 'object': {
      const { shown, effects } = visibleChildren(node, data, holds);
      const properties = {};
      const childUi = {};
      for (const { name, node: child } of shown) {
        const rendered = renderNode(child, isObject(data) ? data[name] : undefined, holds);
        properties[name] = rendered.schema;
        childUi[name] = rendered.uiSchema;
      }
      const names = shown.map((c) => c.name);
      const required = names.filter((n) => node.always.has(n) || effects.required.has(n));
      const objectUi = Object.fromEntries(Object.entries(ui).filter(([k]) => k.startsWith('ui:')));
      return {
        schema: { ...base, type: 'object', properties, required },
        uiSchema: { ...objectUi, ...childUi, 'ui:order': order(ui, names) },
      };
    }
    case 'choice':
      return {
        schema: { ...base, ...choiceSchema(node) },
        uiSchema: { ...(node.widget === 'select' ? { 'ui:placeholder': '请选择…' } : {}), ...ui, 'ui:widget': node.widget },
      };
    case 'multichoice':
      return {
        schema: { ...base, type: 'array', uniqueItems: true, items: choiceSchema(node) },
        uiSchema: { ...ui, 'ui:widget': node.widget },
      };
    case 'boolean':
      return { schema: { ...base, type: 'boolean' }, uiSchema: { ...ui, 'ui:widget': node.widget } };
    case 'confirm': // the statement is the check box's own label, not a heading above it
      return {
        schema: { ...base, type: 'boolean', const: true },
        uiSchema: { ...ui, 'ui:widget': 'confirm', 'ui:options': { ...(ui['ui:options'] || {}), label: false } },
      };
    case 'number':
      return { schema: { ...base, type: node.type }, uiSchema: { ...ui, 'ui:widget': node.widget } };
    case 'attachment':
      return { schema: { ...base, type: 'integer' }, uiSchema: { ...ui, 'ui:widget': 'attachment' } };
    case 'attachments':
      return {
        schema: { ...base, type: 'array', items: { type: 'integer' } },
        uiSchema: { ...ui, 'ui:widget': 'attachments' },
      };
    case 'list': {
      const item = renderNode(node.item, undefined, holds);
      return { schema: { ...base, type: 'array', items: item.schema }, uiSchema: { ...ui, items: item.uiSchema } };
    }
    default: // text, date, datetime, time, email, uri
      return { schema: { ...base, type: 'string' }, uiSchema: { ...ui, 'ui:widget': node.widget } };
  }
}
