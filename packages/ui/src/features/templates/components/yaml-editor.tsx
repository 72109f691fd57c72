/** @jsxRuntime automatic */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { ValidationIssue } from '../../../lib/api/types.ts';
import { useTheme } from '../../../lib/theme.tsx';
import { testIds } from '../../../lib/testids.ts';
import { monaco } from './monaco-setup.ts';

type StandaloneEditor = Parameters<OnMount>[0];

export interface YamlEditorHandle {
  revealLine: (line: number, column?: number) => void;
  focus: () => void;
}

export interface YamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  readOnly?: boolean;
  height?: string;
  onReady?: (handle: YamlEditorHandle) => void;
  onSaveShortcut?: () => void;
}

const MARKER_OWNER = 'flowgate-validation';

/**
 * Browser tests cannot type YAML into Monaco reliably (auto-indent rewrites every new line), so the
 * mounted editor exposes get/set under `window[testHooks.templateEditor]` (see lib/testids.ts).
 */
export interface TemplateEditorTestHook {
  getValue: () => string;
  setValue: (value: string) => void;
  /** The validation markers Monaco holds for the model (what the squiggles are drawn from). */
  getMarkers: () => { severity: 'error' | 'warning' | 'info'; line: number; message: string }[];
}

declare global {
  interface Window {
    __flowgateTemplateEditor?: TemplateEditorTestHook;
  }
}

/** Converts validation issues into Monaco markers; an issue without a line marks line 1. */
export function issuesToMarkers(
  issues: ValidationIssue[],
  severity: monaco.MarkerSeverity,
  model: monaco.editor.ITextModel,
): monaco.editor.IMarkerData[] {
  const lineCount = model.getLineCount();
  return issues.map((issue) => {
    const line = Math.min(Math.max(issue.line ?? 1, 1), lineCount);
    const maxColumn = model.getLineMaxColumn(line);
    const column = Math.min(Math.max(issue.column ?? 1, 1), maxColumn);
    // Underline from the column to the end of the YAML token there — a component id such as
    // otlphttp/tempo or a URL, up to a YAML separator — or the whole line when no column is known.
    const token = issue.column
      ? /^(?:[^\s,[\]{}:#]|:(?=[^\s,\]}]))+/.exec(model.getLineContent(line).slice(column - 1))
      : null;
    return {
      severity,
      message: issue.path ? `${issue.message}\n${issue.path}` : issue.message,
      code: issue.code,
      source: 'Flowgate',
      startLineNumber: line,
      startColumn: issue.column ? column : model.getLineFirstNonWhitespaceColumn(line) || 1,
      endLineNumber: line,
      endColumn: token ? column + token[0].length : maxColumn,
    };
  });
}

export function YamlEditor({
  value,
  onChange,
  errors,
  warnings,
  readOnly = false,
  height = '100%',
  onReady,
  onSaveShortcut,
}: YamlEditorProps) {
  const { theme } = useTheme();
  const editorRef = useRef<StandaloneEditor | null>(null);
  const saveRef = useRef(onSaveShortcut);
  saveRef.current = onSaveShortcut;

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, MARKER_OWNER, [
      ...issuesToMarkers(errors, monaco.MarkerSeverity.Error, model),
      ...issuesToMarkers(warnings, monaco.MarkerSeverity.Warning, model),
    ]);
  }, [errors, warnings]);

  useEffect(
    () => () => {
      delete window.__flowgateTemplateEditor;
    },
    [],
  );

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    window.__flowgateTemplateEditor = {
      getValue: () => editor.getValue(),
      setValue: (value) => editor.setValue(value),
      getMarkers: () => {
        const model = editor.getModel();
        if (!model) return [];
        return monaco.editor.getModelMarkers({ owner: MARKER_OWNER, resource: model.uri }).map((m) => ({
          severity:
            m.severity === monaco.MarkerSeverity.Error
              ? 'error'
              : m.severity === monaco.MarkerSeverity.Warning
                ? 'warning'
                : 'info',
          line: m.startLineNumber,
          message: m.message,
        }));
      },
    };
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current?.());
    const model = editor.getModel();
    if (model) {
      monaco.editor.setModelMarkers(model, MARKER_OWNER, [
        ...issuesToMarkers(errors, monaco.MarkerSeverity.Error, model),
        ...issuesToMarkers(warnings, monaco.MarkerSeverity.Warning, model),
      ]);
    }
    onReady?.({
      revealLine: (line, column = 1) => {
        editor.revealLineInCenter(line);
        editor.setPosition({ lineNumber: line, column });
        editor.focus();
      },
      focus: () => editor.focus(),
    });
  };

  return (
    <div className="absolute inset-0" data-testid={testIds.templateEditor.editor}>
      <Editor
        height={height}
        defaultLanguage="yaml"
        language="yaml"
        value={value}
        theme={theme === 'dark' ? 'flowgate-dark' : 'flowgate-light'}
        onChange={(next) => onChange(next ?? '')}
        onMount={onMount}
        loading={<div className="p-4 text-sm text-zinc-500">Loading editor…</div>}
        options={{
          readOnly,
          minimap: { enabled: false },
          fontSize: 13,
          lineHeight: 20,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
          tabSize: 2,
          insertSpaces: true,
          scrollBeyondLastLine: false,
          renderWhitespace: 'none',
          guides: { indentation: true },
          automaticLayout: true,
          padding: { top: 12, bottom: 12 },
          fixedOverflowWidgets: true,
          scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
        }}
      />
    </div>
  );
}
