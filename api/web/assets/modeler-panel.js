// Our entries in the modeler's properties panel (bpmn-js-properties-panel, rendered with its preact):
// a lane's role chosen by its Chinese name from the known roles (the role id is what the lane is named,
// since that is what the engine reads), and the form files of a user task or start event with buttons
// that open them in the form editor below the diagram.
//
// Configured through the modeler's config: new Modeler({ shequ: { roles: [{id, name}], openForm(element, file) } }).
import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { formFiles } from './spiff.js';
import './modeler-panel.css';

const NONE = '';
// roles that work no lane (they manage, audit or administer): not offered for a lane
const OFFICE_ROLES = new Set(['admin', 'auditor', 'process_owner']);

function RoleEntry({ element, id }) {
  const modeling = useService('modeling');
  const config = useService('config.shequ') || {};
  const roles = (config.roles || []).filter((r) => !OFFICE_ROLES.has(r.id));
  const current = element.businessObject.name || NONE;
  const getOptions = () => {
    const options = [{ value: NONE, label: '请选择办理角色…' }];
    if (current && !roles.some((r) => r.id === current)) {
      options.push({ value: current, label: `⚠ ${current}（不是已知角色）` });
    }
    return options.concat(roles.map((r) => ({ value: r.id, label: r.name })));
  };
  return h(SelectEntry, {
    element,
    id,
    label: '办理角色',
    description: '本泳道的环节由该角色办理；泳道以角色标识命名。',
    getValue: () => current,
    setValue: (value) => modeling.updateLabel(element, value || ''),
    getOptions,
    validate: (value) => (value ? null : '请选择办理角色'),
  });
}

function FormFilesEntry({ element, id }) {
  const config = useService('config.shequ') || {};
  const files = formFiles(element.businessObject);
  const row = (label, file) => h('div', { class: 'form-file-row' },
    h('span', { class: 'form-file-label' }, label),
    file ? h('code', { class: 'form-file-name' }, file) : h('span', { class: 'form-file-none' }, '无'),
    file && h('button', {
      type: 'button',
      class: 'form-file-open',
      'data-file': file,
      onClick: () => config.openForm && config.openForm(element, file),
    }, '打开'));
  return h('div', { class: 'bio-properties-panel-entry form-files', 'data-entry-id': id },
    files.schema
      ? [row('表单（JSON Schema）', files.schema), row('界面（UI Schema）', files.ui)]
      : [h('p', { class: 'form-file-none' }, '该环节还没有表单。'),
        h('button', {
          type: 'button',
          class: 'form-file-open',
          onClick: () => config.openForm && config.openForm(element, null),
        }, '在表单编辑器中新建')]);
}

const FORM_TYPES = new Set(['bpmn:UserTask', 'bpmn:StartEvent']);

class ShequPropertiesProvider {
  constructor(propertiesPanel, translate) {
    this.translate = translate;
    propertiesPanel.registerProvider(500, this); // after the BPMN provider (1000): its groups exist
  }

  getGroups(element) {
    return (groups) => {
      // the panel's own group chrome ("Toggle section" …) asks the group for its translate function
      for (const group of groups) group.translate = group.translate || this.translate;
      if (element.type === 'bpmn:Lane') {
        const general = groups.find((g) => g.id === 'general');
        if (general) {
          const at = general.entries.findIndex((e) => e.id === 'name');
          const entry = { id: 'laneRole', component: RoleEntry };
          if (at >= 0) general.entries.splice(at, 1, entry);
          else general.entries.unshift(entry);
        }
      }
      if (FORM_TYPES.has(element.type)) {
        const group = {
          id: 'shequForms', label: '环节表单', translate: this.translate,
          entries: [{ id: 'formFiles', component: FormFilesEntry }],
        };
        const at = groups.findIndex((g) => g.id === 'general');
        groups.splice(at + 1, 0, group);
      }
      return groups;
    };
  }
}
ShequPropertiesProvider.$inject = ['propertiesPanel', 'translate'];

export const shequPanelModule = {
  __init__: ['shequPropertiesProvider'],
  shequPropertiesProvider: ['type', ShequPropertiesProvider],
};
