// Chinese for dmn-js's decision-table editor (its translate() strings); anything not listed stays as written.
const WORDS = {
  'Add rule': '添加规则', 'Add rule above': '在上方添加规则', 'Add rule below': '在下方添加规则',
  'Add input': '添加输入', 'Add output': '添加输出', 'Add input column left': '在左侧添加输入列',
  'Add input column right': '在右侧添加输入列', 'Add output column left': '在左侧添加输出列',
  'Add output column right': '在右侧添加输出列', 'Remove rule': '删除规则', 'Remove input column': '删除输入列',
  'Remove output column': '删除输出列', 'Copy rule': '复制规则', 'Cut rule': '剪切规则', 'Move rule': '移动规则',
  'Paste rule above': '粘贴到上方', 'Paste rule below': '粘贴到下方', 'Copy input column': '复制输入列',
  'Copy output column': '复制输出列', 'Cut input column': '剪切输入列', 'Cut output column': '剪切输出列',
  'Paste input column left': '粘贴到左侧', 'Paste input column right': '粘贴到右侧',
  'Paste output column left': '粘贴到左侧', 'Paste output column right': '粘贴到右侧',
  'Add cell description': '添加单元格说明', 'Remove cell description': '删除单元格说明',
  'Hit policy': '命中策略', 'Hit policy:': '命中策略：', When: '当', And: '且', Then: '则',
  Input: '输入', Output: '输出', Annotation: '说明', Annotations: '说明', Edit: '编辑',
  'Edit input': '编辑输入', 'Edit output': '编辑输出', 'Input label': '输入标签', 'Input label: ': '输入标签：',
  'Input expression': '输入表达式', 'Input expression: ': '输入表达式：', 'Input type': '输入类型',
  'Input values': '输入取值', 'Output label': '输出标签', 'Output label: ': '输出标签：', 'Output name': '输出变量名',
  'Output name: ': '输出变量名：', 'Output type': '输出类型', 'Output values': '输出取值', Type: '类型',
  Expression: '表达式', 'Expression language': '表达式语言', 'Enter expression': '输入表达式',
  'Decision name': '决策名称', 'Decision name: ': '决策名称：', 'View DRD': '查看决策关系图',
  'Predefined values': '预设取值', 'Add predefined values': '添加预设取值', 'Clear predefined values': '清除预设取值',
  'Add values': '添加取值', 'No values': '无取值', Values: '取值', Value: '值', 'Set value': '设置值',
  'Custom values': '自定义取值', 'Match one': '匹配其一', 'Match none': '均不匹配', Include: '包含', Exclude: '排除',
  'Strings must be in double quotes': '文本须加双引号', 'String value': '文本值', 'Edit string': '编辑文本',
  'Edit number': '编辑数值', 'Edit boolean': '编辑是/否', 'Boolean value': '是/否', Yes: '是', No: '否',
  Comparison: '比较', 'Comparison operator': '比较运算符', Range: '区间', Equals: '等于', Less: '小于',
  'Less or equals': '小于或等于', Greater: '大于', 'Greater or equals': '大于或等于', Between: '介于',
  Exactly: '恰为', Before: '早于', After: '晚于', 'Start value': '起始值', 'End value': '结束值',
  'Range start operator': '区间起点运算符', 'Range end operator': '区间终点运算符', 'Range start value': '区间起点',
  'Range end value': '区间终点', Date: '日期', Time: '时间', 'Date and time': '日期时间', 'Test type': '判断方式',
  'Use today': '今天', 'Use now': '现在', Resize: '调整宽度',
  // hit policies
  Unique: '唯一', First: '首个', Priority: '优先级', Any: '任一', Collect: '收集', 'Rule order': '规则顺序',
  'Output order': '输出顺序', 'Collect (Sum)': '收集（求和）', 'Collect (Min)': '收集（最小值）',
  'Collect (Max)': '收集（最大值）', 'Collect (Count)': '收集（计数）',
};

function translate(template, replacements = {}) {
  return (WORDS[template] || template).replace(/{([^}]+)}/g, (_, key) => (key in replacements ? replacements[key] : `{${key}}`));
}

export const dmnTranslateModule = { translate: ['value', translate] };
