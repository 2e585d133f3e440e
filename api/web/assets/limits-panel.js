// Properties-panel group 办理时限: the time-limit properties of engine/limits/model.py, written as
// spiffworkflow:properties on the process (法定时限, 承诺时限, warnings, extensions) and on user tasks
// (环节时限, a step not counted). A separate provider module: the modeler only adds it to its modules.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';

const UNITS = [
  { value: '', label: '（默认：工作日）' },
  { value: 'workingDays', label: '工作日' },
  { value: 'naturalDays', label: '自然日' },
  { value: 'hours', label: '小时' },
];
const YES_NO = [{ value: '', label: '否' }, { value: 'true', label: '是（不计入办件时限）' }];

const PROCESS_FIELDS = [
  { name: 'statutoryLimit', label: '法定时限（数值）' },
  { name: 'statutoryLimitUnit', label: '法定时限单位', options: UNITS },
  { name: 'promisedLimit', label: '承诺时限（数值）' },
  { name: 'promisedLimitUnit', label: '承诺时限单位', options: UNITS },
  { name: 'limitYellowBefore', label: '黄色预警：剩余（默认 2）' },
  { name: 'limitRedBefore', label: '红色预警：剩余（默认 1）' },
  { name: 'limitExtensionDays', label: '延期上限' },
  { name: 'limitExtensionRoles', label: '可批准延期的角色（逗号分隔）' },
];
const TASK_FIELDS = [
  { name: 'taskLimit', label: '环节时限（数值）' },
  { name: 'taskLimitUnit', label: '环节时限单位', options: UNITS },
  { name: 'taskLimitYellowBefore', label: '黄色预警：剩余' },
  { name: 'taskLimitRedBefore', label: '红色预警：剩余' },
  { name: 'limitExcluded', label: '不计入办件时限（听证、检验检测、专家评审、补正）', options: YES_NO },
  { name: 'limitExcludedReason', label: '不计入的原因' },
];

/** The business object the properties belong to: the process behind a participant, else the element's own. */
function target(element) {
  const bo = element.businessObject;
  if (bo.$type === 'bpmn:Participant') return bo.processRef || null;
  return bo;
}

function fieldsFor(element) {
  const type = element.businessObject.$type;
  if (type === 'bpmn:Process' || (type === 'bpmn:Participant' && element.businessObject.processRef)) {
    return PROCESS_FIELDS;
  }
  return type === 'bpmn:UserTask' ? TASK_FIELDS : [];
}

function propertiesOf(bo) {
  const ext = bo && bo.extensionElements;
  return ((ext && ext.values) || []).find((v) => v.$type === 'spiffworkflow:Properties');
}

export function readProperty(bo, name) {
  const props = propertiesOf(bo);
  const found = ((props && props.values) || []).find((p) => p.name === name);
  return found ? found.value : '';
}

/** Set (or, for an empty value, remove) one spiffworkflow:property through the modeler's commands. */
export function writeProperty(modeling, moddle, element, bo, name, value) {
  let ext = bo.extensionElements;
  if (!ext) {
    ext = moddle.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }
  let props = propertiesOf(bo);
  if (!props) {
    props = moddle.create('spiffworkflow:Properties', { values: [] });
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), props] });
  }
  const values = (props.values || []).filter((p) => p.name !== name);
  const text = (value || '').trim();
  if (text) values.push(moddle.create('spiffworkflow:Property', { name, value: text }));
  modeling.updateModdleProperties(element, props, { values });
}

function LimitField(props) {
  const { element, id, field } = props;
  const modeling = useService('modeling');
  const moddle = useService('moddle');
  const debounce = useService('debounceInput');
  const bo = target(element);
  const getValue = () => readProperty(bo, field.name) || '';
  const setValue = (value) => writeProperty(modeling, moddle, element, bo, field.name, value);
  if (field.options) {
    return h(SelectEntry, { element, id, label: field.label, getValue, setValue, getOptions: () => field.options });
  }
  return h(TextFieldEntry, { element, id, label: field.label, getValue, setValue, debounce });
}

class LimitsPropertiesProvider {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const fields = fieldsFor(element);
      if (!fields.length || !target(element)) return groups;
      groups.push({
        id: 'time-limits',
        label: '办理时限',
        entries: fields.map((field) => ({
          id: `time-limit-${field.name}`,
          field,
          element,
          component: LimitField,
          isEdited: field.options ? isSelectEntryEdited : isTextFieldEntryEdited,
        })),
      });
      return groups;
    };
  }
}
LimitsPropertiesProvider.$inject = ['propertiesPanel'];

export default {
  __init__: ['limitsPropertiesProvider'],
  limitsPropertiesProvider: ['type', LimitsPropertiesProvider],
};
