// The spiffworkflow:properties extension that links a user task (or start event) to its form files.
import descriptor from './spiffworkflow.json';

export const moddleExtensions = { spiffworkflow: descriptor };
export const SCHEMA_PROP = 'formJsonSchemaFilename';
export const UI_PROP = 'formUiSchemaFilename';

function propertiesOf(bo) {
  const ext = bo && bo.extensionElements;
  return ((ext && ext.values) || []).find((v) => v.$type === 'spiffworkflow:Properties');
}

/** {formJsonSchemaFilename, formUiSchemaFilename} of a business object (or {}). */
export function formFiles(bo) {
  const props = propertiesOf(bo);
  const out = {};
  for (const p of (props && props.values) || []) out[p.name] = p.value;
  return { schema: out[SCHEMA_PROP] || null, ui: out[UI_PROP] || null };
}

/** Link an element to form files (creating the extension elements as needed) through the modeler's commands. */
export function linkForm(modeler, element, schemaFile, uiFile) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  let ext = bo.extensionElements;
  if (!ext) {
    ext = moddle.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateProperties(element, { extensionElements: ext });
  }
  let props = propertiesOf(bo);
  if (!props) {
    props = moddle.create('spiffworkflow:Properties', { values: [] });
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), props] });
  }
  const values = (props.values || []).filter((p) => p.name !== SCHEMA_PROP && p.name !== UI_PROP);
  values.push(moddle.create('spiffworkflow:Property', { name: SCHEMA_PROP, value: schemaFile }));
  values.push(moddle.create('spiffworkflow:Property', { name: UI_PROP, value: uiFile }));
  modeling.updateModdleProperties(element, props, { values });
}
