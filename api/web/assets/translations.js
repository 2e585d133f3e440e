// Chinese for the modeler's palette, context pad, replace menu and properties panel (bpmn-js `translate`
// service): bpmn-io's community translations (bpmn-js-i18n) with our own words on top, where they read
// better or the community has none (the properties panel).
import community from 'bpmn-js-i18n/translations/zn';

const OURS = {
  'Activate the hand tool': '抓手工具（移动画布）',
  'Activate hand tool': '抓手工具（移动画布）',
  'Activate the lasso tool': '套索工具（框选）',
  'Activate lasso tool': '套索工具（框选）',
  'Activate the create/remove space tool': '插入/移除空间',
  'Activate create/remove space tool': '插入/移除空间',
  'Activate the global connect tool': '连线工具',
  'Activate global connect tool': '连线工具',
  'Create StartEvent': '开始事件', 'Create start event': '开始事件',
  'Create EndEvent': '结束事件', 'Create end event': '结束事件',
  'Create Intermediate/Boundary Event': '中间/边界事件', 'Create intermediate/boundary event': '中间/边界事件',
  'Create Gateway': '网关', 'Create gateway': '网关',
  'Create Task': '任务', 'Create task': '任务',
  'Create expanded SubProcess': '子流程', 'Create expanded sub-process': '子流程',
  'Create Pool/Participant': '池/参与者', 'Create pool/participant': '池/参与者',
  'Create DataObjectReference': '数据对象', 'Create data object reference': '数据对象',
  'Create DataStoreReference': '数据存储', 'Create data store reference': '数据存储',
  'Create Group': '分组', 'Create group': '分组',
  'Append EndEvent': '追加结束事件', 'Append end event': '追加结束事件',
  'Append Gateway': '追加网关', 'Append gateway': '追加网关',
  'Append Task': '追加任务', 'Append task': '追加任务',
  'Append Intermediate/Boundary Event': '追加中间事件', 'Append intermediate/boundary event': '追加中间事件',
  'Append TextAnnotation': '添加注释', 'Add text annotation': '添加注释',
  'Change type': '更改类型', 'Change element': '更改类型',
  'Connect using Sequence/MessageFlow or Association': '连线', 'Connect to other element': '连线',
  'Connect using DataInputAssociation': '数据关联', 'Connect using association': '关联',
  'Delete': '删除', 'Remove': '删除',
  'Add Lane above': '在上方添加泳道', 'Add lane above': '在上方添加泳道',
  'Add Lane below': '在下方添加泳道', 'Add lane below': '在下方添加泳道',
  'Divide into two Lanes': '拆分为两个泳道', 'Divide into two lanes': '拆分为两个泳道',
  'Divide into three Lanes': '拆分为三个泳道', 'Divide into three lanes': '拆分为三个泳道',
  'General': '常规', 'Name': '名称', 'ID': '标识', 'Documentation': '说明',
  'Element documentation': '元素说明', 'Process documentation': '流程说明',
  'Executable': '可执行', 'Version tag': '版本标签', 'Condition': '条件', 'Condition expression': '条件表达式',
  'Type': '类型', 'Expression': '表达式', 'Script': '脚本', 'Format': '格式', 'Inline script': '内联脚本',
  'Script type': '脚本类型', 'Implementation': '实现', 'Multi-instance': '多实例', 'Loop cardinality': '循环次数',
  'Completion condition': '完成条件', 'Collection': '集合', 'Element variable': '元素变量',
  'Process': '流程', 'Participant': '参与者', 'Lane': '泳道', 'Lanes': '泳道',
  'User Task': '用户任务', 'Script Task': '脚本任务', 'Service Task': '服务任务', 'Task': '任务',
  'Start Event': '开始事件', 'End Event': '结束事件', 'Exclusive Gateway': '排他网关',
  'Parallel Gateway': '并行网关', 'Inclusive Gateway': '包容网关', 'Sequence Flow': '顺序流',
  'Text Annotation': '注释', 'Sub Process': '子流程', 'Pool': '池',
  'Process name': '流程名称', 'Process ID': '流程标识', 'Participant Name': '参与者名称',
  'Select an element to edit its properties.': '选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single one to edit its properties.': '已选择多个元素，请只选择一个以编辑属性。',
  'Element must have an unique id.': '元素标识必须唯一。',
  'ID must not be empty.': '标识不能为空。',
  'ID must not contain spaces.': '标识不能包含空格。',
  'ID must be a valid QName.': '标识必须是合法的 QName。',
  'ID must not contain prefix.': '标识不能带前缀。',
  'Signal': '信号', 'Message': '消息', 'Timer': '定时器', 'Errors': '错误', 'Error': '错误',
  'Open minimap': '打开小地图', 'Close minimap': '关闭小地图',
  'Search in diagram': '在图中搜索',
  // where the community words are wrong or differ from ours
  'Exclusive gateway': '排他网关', 'Terminate end event': '终止结束事件', 'Receive task': '接收任务',
  'Manual task': '人工任务', 'Empty pool/participant': '空池/参与者',
  'Empty pool/participant (removes content)': '空池/参与者（删除其内容）',
  'Sub-process (collapsed)': '子流程（折叠）', 'Sub-process (expanded)': '子流程（展开）',
  'Message end event': '消息结束事件', 'Error end event': '错误结束事件', 'Escalation end event': '升级结束事件',
  'Signal end event': '信号结束事件', 'Compensation end event': '补偿结束事件',
  'more than {count} child lanes': '超过 {count} 个子泳道',
  // properties panel (bpmn-js-properties-panel, BPMN provider)
  'Collaboration': '协作', 'Participant ID': '参与者标识', 'Group': '分组',
  'Conditional Flow': '条件顺序流', 'Default Flow': '默认顺序流', 'Data Object Reference': '数据对象',
  'Data Store Reference': '数据存储', 'Call Activity': '调用活动', 'Collapsed Sub Process': '子流程（折叠）',
  'Expanded Sub Process': '子流程（展开）', 'Event Sub Process': '事件子流程', 'Transaction': '事务',
  'Manual Task': '人工任务', 'Send Task': '发送任务', 'Receive Task': '接收任务',
  'Business Rule Task': '业务规则任务', 'Complex Gateway': '复杂网关', 'Event Based Gateway': '事件网关',
  'Compensation': '补偿', 'Completion': '完成', 'Escalation': '升级', 'Link': '链接',
  '1 hour and 30 minutes': '1 小时 30 分钟', '14 days': '14 天', '15 seconds': '15 秒', '<none>': '<无>',
  'A cycle defined as ISO 8601 repeating intervals format.': '按 ISO 8601 重复间隔格式定义的周期。',
  'A specific point in time defined as ISO 8601 combined date and time representation.':
    '按 ISO 8601 日期时间格式定义的时间点。',
  'A time duration defined as ISO 8601 durations format.': '按 ISO 8601 时长格式定义的时长。',
  'Activity reference': '关联活动', 'Cancel remaining instances': '取消其余实例', 'Code': '代码',
  'Create new ...': '新建…', 'Cycle': '周期', 'Date': '日期', 'Documentation: Timer events': '说明：定时事件',
  'Duration': '时长', 'Global error reference': '全局错误', 'Global escalation reference': '全局升级',
  'Global message reference': '全局消息', 'Global signal reference': '全局信号', 'ID must be unique.': '标识必须唯一。',
  'Multiple elements are selected. Select a single element to edit its properties.':
    '已选择多个元素，请只选择一个以编辑属性。',
  'UTC plus 2 hours zone offset': 'UTC+2 时区偏移', 'UTC time': 'UTC 时间', 'Value': '值',
  'Wait for completion': '等待完成', 'every 10 seconds, up to 5 times': '每 10 秒一次，最多 5 次',
  'every day, infinitely': '每天，无限次',
  // the properties panel's own chrome
  'Toggle section': '展开/收起', 'Toggle non-interrupting': '切换中断/非中断', 'Section contains edits': '本节有已填写的内容',
  'Section contains an error': '本节有错误', 'Open pop-up editor': '在弹出窗口中编辑', 'Opened in editor': '已在编辑器中打开',
  'Open documentation': '打开说明文档', 'Toggle list item': '展开/收起此项', 'Delete item': '删除此项',
  'Create new list item': '新建一项', 'Create': '新建', '<empty>': '<空>', 'JSON contains errors': 'JSON 有错误',
};

const ZH = { ...community, ...OURS };

// The panel's header names an event by its definition and kind ("Timer Start Event (Non Interrupting)").
const EVENT_KINDS = {
  'Start Event': '开始事件', 'End Event': '结束事件', 'Intermediate Catch Event': '中间捕获事件',
  'Intermediate Throw Event': '中间抛出事件', 'Boundary Event': '边界事件',
};
const EVENT_DEFINITIONS = {
  Timer: '定时', Message: '消息', Signal: '信号', Error: '错误', Escalation: '升级', Compensate: '补偿',
  Conditional: '条件', Link: '链接', Cancel: '取消', Terminate: '终止',
};
const EVENT_LABEL = /^(?:(\w+) )?(Start Event|End Event|Intermediate Catch Event|Intermediate Throw Event|Boundary Event)( \(Non Interrupting\))?$/;

function eventLabel(template) {
  const match = EVENT_LABEL.exec(template);
  if (!match || (match[1] && !EVENT_DEFINITIONS[match[1]])) return null;
  return `${match[1] ? EVENT_DEFINITIONS[match[1]] : ''}${EVENT_KINDS[match[2]]}${match[3] ? '（非中断）' : ''}`;
}

// Templates asked for that have no Chinese yet (the browser tests read this to find English left over).
export const untranslated = new Set();
if (typeof window !== 'undefined') window.untranslatedStrings = untranslated;

export default function translate(template, replacements = {}) {
  const text = ZH[template] || eventLabel(template);
  if (!text && /[A-Za-z]/.test(template)) untranslated.add(template);
  return (text || template).replace(/{([^}]+)}/g, (_, key) => (key in replacements ? replacements[key] : `{${key}}`));
}

export const translateModule = { translate: ['value', translate] };

const ATTRIBUTES = ['title', 'placeholder', 'aria-label'];

/**
 * Some properties-panel parts build tooltips without the translate service (e.g. the pop-up editor
 * button of a text area): translate those attributes as they appear in the container.
 */
export function translateAttributes(container) {
  const fix = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute && el.getAttribute(name);
      if (value && /[A-Za-z]/.test(value) && !/[\u4e00-\u9fff]/.test(value)) {
        const text = ZH[value];
        if (text) el.setAttribute(name, text);
        else untranslated.add(value);
      }
    }
  };
  const sweep = (root) => {
    fix(root);
    if (root.querySelectorAll) root.querySelectorAll(ATTRIBUTES.map((a) => `[${a}]`).join(',')).forEach(fix);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') fix(record.target);
      else record.addedNodes.forEach(sweep);
    }
  }).observe(container, { subtree: true, childList: true, attributes: true, attributeFilter: ATTRIBUTES });
  sweep(container);
}
