// The renderer's own widgets and buttons (react-jsonschema-form): dates typed or picked as YYYY-MM-DD,
// a confirmation check box, file fields that upload to the case, and list buttons that say what they do.
import { useEffect, useRef, useState } from 'react';
import { getWidget } from '@rjsf/utils';
import { api } from './common.js';

const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

/** "2026/1/5", "2026.01.05", "2026年1月5日" → "2026-01-05"; anything else as typed (the validator says). */
export function normaliseDate(text) {
  const match = DATE.exec(String(text || '').trim());
  if (!match) return String(text || '').trim();
  return `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
}

/** A date as YYYY-MM-DD: typed into a text box, or chosen from the browser's calendar. */
export function DateWidget({ id, value, required, disabled, readonly, autofocus, onChange, onBlur, onFocus, placeholder }) {
  const picker = useRef(null);
  const [text, setText] = useState(value || '');
  useEffect(() => setText(value || ''), [value]);
  const commit = (raw) => {
    const next = normaliseDate(raw);
    setText(next);
    onChange(next || undefined);
  };
  const locked = disabled || readonly;
  return (
    <div className="date-input">
      <input type="text" id={id} name={id} className="form-control" value={text} required={required}
        disabled={disabled} readOnly={readonly} autoFocus={autofocus} inputMode="numeric" maxLength={12}
        placeholder={placeholder || 'YYYY-MM-DD'} autoComplete="off"
        onChange={(e) => { setText(e.target.value); onChange(e.target.value || undefined); }}
        onBlur={(e) => { commit(e.target.value); onBlur(id, normaliseDate(e.target.value)); }}
        onFocus={(e) => onFocus(id, e.target.value)} />
      <input type="date" ref={picker} className="date-picker" tabIndex={-1} aria-hidden="true"
        value={/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : ''} disabled={locked}
        onChange={(e) => commit(e.target.value)} />
      {!locked && (
        <button type="button" className="date-button" title="从日历中选择日期" aria-label="选择日期"
          onClick={() => { try { picker.current.showPicker(); } catch { picker.current.focus(); } }}>📅</button>
      )}
    </div>
  );
}

/** A box to tick for a statement that must be confirmed (boolean const true): unticked means not given. */
export function ConfirmWidget(props) {
  const Checkbox = getWidget({ type: 'boolean' }, 'CheckboxWidget', props.registry.widgets);
  return <Checkbox {...props} hideLabel={false} onChange={(checked) => props.onChange(checked ? true : undefined)} />;
}

function fileSize(bytes) {
  if (bytes === undefined || bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function download(instanceId, file) {
  const response = await api(`/process-instances/${instanceId}/attachments/${file.id}`, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// the case's attachments, fetched once per case for every file field of the page
const caseFiles = new Map();
function attachmentsOf(instanceId, refresh = false) {
  if (refresh || !caseFiles.has(instanceId)) {
    caseFiles.set(instanceId, api(`/process-instances/${instanceId}/attachments`).then((r) => r.body).catch(() => []));
  }
  return caseFiles.get(instanceId);
}

/**
 * A file field: its value is the id of an attachment of the case (several: a list of ids). Choosing a file
 * uploads it to the case at once (POST /process-instances/{id}/attachments); an attachment the case has
 * already can be picked instead.
 */
function Attachments({ id, value, multiple, disabled, readonly, onChange, registry }) {
  const { instanceId, attachmentNote } = registry.formContext || {};
  const ids = (multiple ? value || [] : value !== undefined && value !== null ? [value] : []).filter(Number.isInteger);
  const [known, setKnown] = useState([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const input = useRef(null);
  useEffect(() => {
    if (instanceId) attachmentsOf(instanceId).then(setKnown);
  }, [instanceId]);
  const byId = new Map(known.map((a) => [a.id, a]));
  const put = (next) => onChange(multiple ? (next.length ? next : undefined) : next[next.length - 1]);
  const upload = async (file) => {
    setBusy(true);
    setProblem('');
    try {
      const body = new FormData();
      body.append('file', file);
      const { body: created } = await api(`/process-instances/${instanceId}/attachments`, { method: 'POST', form: body });
      setKnown(await attachmentsOf(instanceId, true));
      put(multiple ? [...ids, created.id] : [created.id]);
    } catch (error) {
      const details = (error.details || []).map((d) => d.message).join('；');
      setProblem(`上传失败：${error.message}${details ? `（${details}）` : ''}`);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  const locked = disabled || readonly || !instanceId;
  const others = known.filter((a) => !ids.includes(a.id));
  return (
    <div className="attachment-field" data-widget={multiple ? 'attachments' : 'attachment'} id={`${id}__files`}>
      <ul className="attachment-list">
        {ids.map((fileId) => {
          const file = byId.get(fileId);
          return (
            <li key={fileId} data-attachment-id={fileId}>
              {file && instanceId
                ? <button type="button" className="link" onClick={() => download(instanceId, file)}>{file.filename}</button>
                : <span>{`附件 ${fileId}`}</span>}
              {file && <span className="muted">　{fileSize(file.size)}</span>}
              {!locked && (
                <button type="button" className="link remove-file" onClick={() => put(ids.filter((x) => x !== fileId))}>移除</button>
              )}
            </li>
          );
        })}
        {!ids.length && <li className="muted">{readonly || disabled ? '未上传' : '尚未选择文件'}</li>}
      </ul>
      {!readonly && !disabled && (instanceId ? (
        <div className="attachment-actions">
          <input type="file" id={id} ref={input} className="visually-hidden" disabled={busy}
            onChange={(e) => e.target.files.length && upload(e.target.files[0])} />
          <label htmlFor={id} className={`button${busy ? ' disabled' : ''}`}>
            {busy ? '正在上传…' : multiple || !ids.length ? '上传文件' : '重新上传'}
          </label>
          {others.length > 0 && (
            <select aria-label="选择本办件已有的附件" value="" onChange={(e) => {
              const chosen = Number(e.target.value);
              if (chosen) put(multiple ? [...ids, chosen] : [chosen]);
            }}>
              <option value="">或选择本办件已有的附件…</option>
              {others.map((a) => <option key={a.id} value={a.id}>{a.filename}</option>)}
            </select>
          )}
        </div>
      ) : (
        <p className="muted attachment-note" id={id}>{attachmentNote || '办件发起后才能上传附件。'}</p>
      ))}
      {problem && <div className="error-detail" role="alert">{problem}</div>}
    </div>
  );
}

export const AttachmentWidget = (props) => <Attachments {...props} multiple={false} />;
export const AttachmentsWidget = (props) => <Attachments {...props} multiple />;

function TextButton({ text, className, iconType, icon, uiSchema, registry, ...rest }) {
  return <button type="button" className={`btn text-button ${className || ''}`} {...rest}>{text}</button>;
}

export const ButtonTemplates = {
  AddButton: ({ id, className, onClick, disabled }) => (
    <div className="array-add">
      <button type="button" id={id} className={`btn btn-add ${className || ''}`} onClick={onClick} disabled={disabled}>
        ＋ 添加一项
      </button>
    </div>
  ),
  RemoveButton: (props) => <TextButton {...props} text="删除" title="删除此项" />,
  MoveUpButton: (props) => <TextButton {...props} text="上移" title="上移" />,
  MoveDownButton: (props) => <TextButton {...props} text="下移" title="下移" />,
  CopyButton: (props) => <TextButton {...props} text="复制" title="复制此项" />,
  ClearButton: (props) => <TextButton {...props} text="清除" title="清除" />,
};

export const widgets = {
  DateWidget, date: DateWidget, confirm: ConfirmWidget, attachment: AttachmentWidget, attachments: AttachmentsWidget,
};
