/**
 * The form renderer: the one component every page uses to show a JSON-Schema form — the task page, the
 * start form in the inbox, the modeler's preview and a version's read-only view.
 *
 *   const form = mountForm(container, props);   // → { render(nextProps), unmount() }
 *
 *   props.schema       the form's JSON Schema as deployed (the subset of engine/forms/form_subset.json)
 *   props.uiSchema     its UI schema (ui:order, ui:widget, ui:placeholder, ui:enumNames …); optional
 *   props.initial      data to start from (only the form's own fields are used)
 *   props.readonly     show the data without inputs or buttons
 *   props.onSubmit     async (data, comment) → null when done, or the ApiError whose 422 details are shown
 *                      on their fields. data holds the fields that apply: a conditional field that is
 *                      hidden (its if/then branch does not hold) is left out.
 *   props.submitLabel  the submit button's text (提交)
 *   props.withComment  show the 办理意见 box; its text is onSubmit's second argument
 *   props.onChange     (data) → void on every change
 *   props.instanceId   the case: file fields upload to and pick from its attachments
 *   props.attachmentNote  what a file field says when there is no case to upload to
 *   props.startForm    a start form: no case yet, so file fields are refused (as deployment does)
 *
 * Widgets by field kind: choices (enum, or oneOf/anyOf of const with titles) as radio buttons (up to 5
 * options) or a select; booleans as 是/否; const-true booleans as a check box to tick; dates as
 * YYYY-MM-DD with a calendar; numbers as number inputs; long text (maxLength > 200) as a textarea;
 * arrays as lists with 添加一项/删除 (unique arrays of choices as check boxes); file fields
 * ({"type": "integer", "format": "attachment"}, or an array of them) as upload fields whose value is the
 * case attachment's id. A field the renderer cannot show is left out and named in an error box above
 * the form with the message deployment gives (form-schema.js).
 *
 * Also exported: withOrgChoices / withOrgChoiceUi (start forms' organisation pickers), fileFields(schema)
 * (which fields hold attachment ids, e.g. to show them by file name), transformErrors, errorSchema, and
 * analyseForm (what renders and what does not).
 */
import { Component, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import Form from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import localizeZh from 'ajv-i18n/localize/zh';
import { analyseForm, SUBSET } from './form-schema.js';
import { applicableData, renderNode } from './form-conditions.js';
import { ButtonTemplates, widgets } from './form-widgets.js';
import './forms.css';

export { analyseForm };

/** The file fields of a form: [{path, title, multiple}]; their values are attachment ids of the case. */
export function fileFields(schema) {
  return analyseForm(schema || {}, {}).fields
    .filter((f) => f.kind === 'attachment' || f.kind === 'attachments')
    .map((f) => ({ path: f.path, title: f.title, multiple: f.kind === 'attachments' }));
}

// x-checks (cross-field checks) and x-org-level (organisation pickers) are the server's: annotations here
const SERVER_KEYWORDS = ['x-checks', 'x-org-level'];

const baseValidator = customizeValidator({
  AjvClass: Ajv2020,
  customFormats: { [SUBSET.attachmentFormat]: { type: 'number', validate: (n) => Number.isInteger(n) && n > 0 } },
  ajvOptionsOverrides: { keywords: SERVER_KEYWORDS },
}, localizeZh);

const MESSAGES = {
  required: '此项为必填项',
  minLength: (p) => `至少填写 ${p.limit} 个字`,
  maxLength: (p) => `最多填写 ${p.limit} 个字`,
  minimum: (p) => `不能小于 ${p.limit}`,
  maximum: (p) => `不能大于 ${p.limit}`,
  pattern: () => '格式不正确',
  format: (p) => (p.format === 'date' ? '请填写日期（年-月-日）' : '格式不正确'),
  type: (p, e) => (/\.\d+$/.test(e.property || '') ? '请填写此项，或将其删除' : '类型不正确'),
  const: (p) => (p.allowedValue === true ? '须勾选确认此项' : '取值不正确'),
  enum: () => '请从选项中选择',
  oneOf: () => '请从选项中选择一项',
  minItems: (p) => `至少 ${p.limit} 项`,
  maxItems: (p) => `最多 ${p.limit} 项`,
  uniqueItems: () => '不能有重复的项',
  exclusiveMinimum: (p) => `必须大于 ${p.limit}`,
  exclusiveMaximum: (p) => `必须小于 ${p.limit}`,
  anyOf: () => '不符合任何一种允许的情形',
  additionalProperties: () => '表单中没有这个字段',
  not: () => '不应填写此项',
};

function pointer(root, path) {
  let node = root;
  for (const part of path.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === undefined || node === null) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** rjsf/ajv errors → Chinese messages; a schema's own "errorMessage" wins (as on the server). */
export function transformErrors(schema) {
  return (errors) => errors
    // 'if' only says a 'then' failed (reported itself); a choice's branches fail as one 'oneOf'
    .filter((e) => e.name !== 'if' && !(e.schemaPath || '').match(/\/(oneOf|anyOf)\/\d+\//))
    .map((e) => {
      const owner = e.schemaPath ? pointer(schema, e.schemaPath.split('/').slice(0, -1).join('/')) : undefined;
      let message = owner && typeof owner.errorMessage === 'string' ? owner.errorMessage : undefined;
      if (!message) {
        const rule = MESSAGES[e.name];
        message = typeof rule === 'function' ? rule(e.params || {}, e) : rule || e.message;
      }
      return { ...e, message, stack: message };
    });
}

/** [{path: "a/0/b", message}] → rjsf ErrorSchema {a: {0: {b: {__errors: [message]}}}} */
export function errorSchema(details, only = null) {
  const root = {};
  for (const detail of details || []) {
    const parts = String(detail.path || '').split('/').filter(Boolean);
    if (only && parts[0] !== only) continue;
    let node = root;
    for (const part of only ? parts.slice(1) : parts) {
      node[part] = node[part] || {};
      node = node[part];
    }
    node.__errors = [...(node.__errors || []), detail.message];
  }
  return root;
}

// every string of @rjsf/utils' TranslatableString (rjsf 6), so no English reaches a clerk
const CN_STRINGS = {
  'Item': '项', 'Missing items definition': '缺少列表项（items）定义',
  'No items yet. Use the button below to add some.': '还没有任何项，请用下方按钮添加。',
  'Yes': '是', 'No': '否', 'Close': '关闭', 'Errors': '错误', 'New Value': '新值',
  'Add': '添加', 'Add Item': '添加一项', 'Copy': '复制', 'Expand Cycle': '展开循环引用',
  'Move down': '下移', 'Move up': '上移', 'Remove': '删除', 'Now': '现在', 'Clear': '清除',
  'Select a date': '选择日期', 'Preview': '预览', 'Decrease value by 1': '减 1', 'Increase value by 1': '加 1',
  'Add data for optional field': '填写此选填项', 'Remove data for optional field': '不填此选填项',
  'No data for optional field': '此选填项未填写', 'Type': '类型', 'Value': '值', 'clear input': '清空',
  'Unknown field type %1': '未知的字段类型 %1', 'Option %1': '选项 %1', '%1 option %2': '%1 选项 %2',
  '%1 Key': '%1 键', '%1 (deprecated)': '%1（已弃用）',
  'Circular reference ($ref cycle) detected for field "%1". You may choose to expand to the next cycle break':
    '字段“%1”存在循环引用（$ref），可展开到下一层',
  'Invalid "%1" object field configuration: _%2_.': '字段“%1”的对象配置无效：_%2_。',
  'Unsupported field schema.': '不支持的字段定义。',
  'Unsupported field schema for field `%1`.': '字段 `%1` 的定义不受支持。',
  'Unsupported field schema: _%1_.': '不支持的字段定义：_%1_。',
  'Unsupported field schema for field `%1`: _%2_.': '字段 `%1` 的定义不受支持：_%2_。',
  '**%1** (%2, %3 bytes)': '**%1**（%2，%3 字节）',
  'Submit': '提交',
};
function translateString(str, params) {
  let out = CN_STRINGS[str] || str;
  (params || []).forEach((p, i) => { out = out.replace(`%${i + 1}`, p); });
  return out;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Whether an if-schema holds for an object's data (the form's $defs in reach of its $refs). */
function conditionTester(root) {
  const compiled = new WeakMap();
  const defs = {};
  if (root && root.$defs) defs.$defs = root.$defs;
  if (root && root.definitions) defs.definitions = root.definitions;
  return (condition, data) => {
    if (typeof condition === 'boolean') return condition;
    if (!isObject(condition)) return true;
    let check = compiled.get(condition);
    if (!check) {
      try {
        check = baseValidator.ajv.compile({ ...condition, ...defs });
      } catch {
        check = () => true;
      }
      compiled.set(condition, check);
    }
    return Boolean(check(data));
  };
}

/** rjsf validates what it renders; ours checks the data against the whole form (conditions and all). */
function validatorFor(schema) {
  const validator = Object.create(baseValidator);
  validator.validateFormData = (formData, _rendered, customValidate, transform, uiSchema) =>
    baseValidator.validateFormData(formData, schema, customValidate, transform, uiSchema);
  return validator;
}

/** Errors about the form as a whole (not one field), e.g. "fill in at least one of …". */
function FormErrors({ errors }) {
  const general = (errors || []).filter((e) => !e.property || e.property === '.');
  if (!general.length) return null;
  return (
    <div className="alert error form-errors" role="alert">
      <ul>{general.map((e) => <li key={e.stack}>{e.message}</li>)}</ul>
    </div>
  );
}

function Problems({ problems }) {
  if (!problems.length) return null;
  return (
    <div className="alert error form-problems" role="alert">
      表单中有页面无法显示的字段（部署时会被拒绝）：
      <ul>{problems.map((p) => <li key={p.message}>{p.message}</li>)}</ul>
    </div>
  );
}

const EMPTY_FORM = { type: 'object', properties: {} };

/** The form of a task or a start event (see the top of this file). */
function SchemaForm({
  schema, uiSchema, initial, onSubmit, submitLabel, withComment, readonly, onChange, instanceId, attachmentNote,
  startForm,
}) {
  const full = schema || EMPTY_FORM;
  const analysis = useMemo(() => analyseForm(full, uiSchema || {}, { startForm }), [full, uiSchema, startForm]);
  const holds = useMemo(() => conditionTester(full), [full]);
  const validator = useMemo(() => validatorFor(full), [full]);
  const applicable = (data) => (analysis.tree ? applicableData(analysis.tree, data || {}, holds) : {});
  const [formData, setFormData] = useState(() => applicable(initial));
  const stash = useRef({}); // values of fields hidden by a condition, back if the field shows again
  const [comment, setComment] = useState('');
  const [serverDetails, setServerDetails] = useState([]);
  const [busy, setBusy] = useState(false);
  // rjsf recomputes its whole state when schema or uiSchema change identity: keep them while equal
  const last = useRef({ key: null, rendered: null });
  const fresh = analysis.tree ? renderNode(analysis.tree, formData, holds) : null;
  const freshKey = JSON.stringify(fresh);
  if (last.current.key !== freshKey) {
    last.current = {
      key: freshKey,
      rendered: fresh && { schema: fresh.schema, uiSchema: { ...fresh.uiSchema, 'ui:submitButtonOptions': { norender: true } } },
    };
  }
  const { rendered } = last.current;
  if (!rendered) return <Problems problems={analysis.problems} />;
  const commentErrors = serverDetails.filter((d) => d.path === 'comment');
  const fieldErrors = serverDetails.filter((d) => d.path !== 'comment');
  const dataErrors = fieldErrors.some((d) => String(d.path).startsWith('data/'))
    ? errorSchema(fieldErrors, 'data') : errorSchema(fieldErrors);
  const change = (data) => {
    const candidate = { ...data };
    for (const [key, value] of Object.entries(stash.current)) if (candidate[key] === undefined) candidate[key] = value;
    const next = applicable(candidate);
    const kept = {};
    for (const [key, value] of Object.entries(candidate)) if (!(key in next) && value !== undefined) kept[key] = value;
    stash.current = kept;
    setFormData(next);
    if (onChange) onChange(next);
  };
  return (
    <>
      <Problems problems={analysis.problems} />
      <Form
        schema={rendered.schema}
        uiSchema={rendered.uiSchema}
        formData={formData}
        validator={validator}
        widgets={widgets}
        templates={{ ButtonTemplates, ErrorListTemplate: FormErrors }}
        formContext={{ instanceId, attachmentNote }}
        transformErrors={transformErrors(full)}
        extraErrors={serverDetails.length ? dataErrors : undefined}
        showErrorList="top"
        noHtml5Validate
        experimental_defaultFormStateBehavior={{
          // a required list starts with its minItems empty rows; no {} for optional groups, no const as data
          constAsDefaults: 'never', emptyObjectFields: 'skipEmptyDefaults', arrayMinItems: { populate: 'requiredOnly' },
        }}
        readonly={readonly}
        translateString={translateString}
        onChange={(e) => change(e.formData)}
        onError={() => {}} // the errors are shown on their fields (rjsf would log them to the console)
        focusOnFirstError
        onSubmit={async (e) => {
          setBusy(true);
          setServerDetails([]);
          try {
            const problem = await onSubmit(applicable(e.formData), comment);
            if (problem) setServerDetails(problem.details && problem.details.length ? problem.details : []);
          } finally {
            setBusy(false);
          }
        }}
      >
        {withComment && (
          <div className={`form-group opinion${commentErrors.length ? ' has-error' : ''}`}>
            <label className="control-label" htmlFor="opinion">办理意见</label>
            <textarea id="opinion" className="form-control" rows={3} maxLength={2000} value={comment}
              placeholder="填写办理意见（选填），将记入办件的历史"
              onChange={(e) => setComment(e.target.value)} />
            {commentErrors.map((d) => <div key={d.message} className="error-detail">{d.message}</div>)}
          </div>
        )}
        {!readonly && (
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>{busy ? '正在提交…' : submitLabel || '提交'}</button>
          </div>
        )}
      </Form>
    </>
  );
}

class Boundary extends Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }

  static getDerivedStateFromError(error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return <div className="alert error">表单无法显示：{String(this.state.error.message || this.state.error)}</div>;
    }
    return this.props.children;
  }
}

/** Render a form into container; returns {unmount, render(props)} to re-render with new props. */
export function mountForm(container, props) {
  const root = createRoot(container);
  let key = 0;
  const render = (next) => {
    key += 1;
    root.render(<Boundary key={key}><SchemaForm {...next} /></Boundary>);
  };
  render(props);
  return { render, unmount: () => root.unmount() };
}

/** Make one organisation property a select (oneOf) of options, an array of them a multi-select. */
function choose(prop, options) {
  const branches = options.map((o) => ({ const: o.id, title: o.name }));
  if (prop.type === 'array' && prop.items && typeof prop.items === 'object') {
    prop.items = { ...prop.items, oneOf: branches };
    prop.uniqueItems = true;
  } else {
    prop.oneOf = branches;
  }
}

/** Add the organisations a clerk may name (org_choices of a start form or a task) as choices of the form's
 * organisation fields (x-org-level): one organisation a select, an array of them a multi-select; a key
 * "field/sub" is the property sub of each object row of the array field. */
export function withOrgChoices(schema, choices) {
  if (!schema || !choices) return schema;
  const copy = JSON.parse(JSON.stringify(schema));
  for (const [key, options] of Object.entries(choices)) {
    const [field, sub] = key.split('/');
    const prop = copy.properties && copy.properties[field];
    if (!prop || !options.length) continue;
    if (sub === undefined) {
      choose(prop, options);
      continue;
    }
    const row = prop.items && prop.items.properties && prop.items.properties[sub];
    if (row) choose(row, options);
  }
  return copy;
}

/** The UI schema for a form whose org fields became choices: a select's empty option says 请选择. */
export function withOrgChoiceUi(uiSchema, choices) {
  const copy = { ...(uiSchema || {}) };
  const select = (ui) => ({ ...(ui || {}), 'ui:widget': 'select', 'ui:placeholder': '请选择…' });
  for (const [key, options] of Object.entries(choices || {})) {
    if (!options.length) continue;
    const [field, sub] = key.split('/');
    if (sub === undefined) {
      copy[field] = select(copy[field]);
      continue;
    }
    const fieldUi = { ...(copy[field] || {}) };
    const items = { ...(fieldUi.items || {}) };
    items[sub] = select(items[sub]);
    fieldUi.items = items;
    copy[field] = fieldUi;
  }
  return copy;
}
