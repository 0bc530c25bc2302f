// Triggerlab's CodeMirror 6 bundle: a Python/JSON editor with line numbers, history, bracket matching and an
// error-line marker. Highlighting emits tok-* classes (classHighlighter) so colours live in editor.css.
import { EditorState, StateEffect, StateField, RangeSetBuilder } from "@codemirror/state";
import {
  EditorView, Decoration, keymap, lineNumbers, highlightActiveLineGutter, highlightActiveLine,
  drawSelection, highlightSpecialChars, GutterMarker, gutterLineClass
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { indentOnInput, bracketMatching, syntaxHighlighting, indentUnit } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";
import { python } from "@codemirror/lang-python";
import { json } from "@codemirror/lang-json";

const setErrorLine = StateEffect.define();

const errorLine = StateField.define({
  create() { return 0; },
  update(line, transaction) {
    for (const effect of transaction.effects) if (effect.is(setErrorLine)) line = effect.value;
    if (line && transaction.docChanged) line = 0;  // the marked line no longer means what it did
    return line;
  }
});

const errorLineMark = Decoration.line({ class: "cm-error-line" });

const errorMarker = new (class extends GutterMarker { constructor() { super(); this.elementClass = "cm-error-gutter"; } })();

const errorDecorations = EditorView.decorations.compute([errorLine], (state) => {
  const line = state.field(errorLine);
  const builder = new RangeSetBuilder();
  if (line > 0 && line <= state.doc.lines) builder.add(state.doc.line(line).from, state.doc.line(line).from, errorLineMark);
  return builder.finish();
});

const errorGutter = gutterLineClass.compute([errorLine], (state) => {
  const line = state.field(errorLine);
  const builder = new RangeSetBuilder();
  if (line > 0 && line <= state.doc.lines) builder.add(state.doc.line(line).from, state.doc.line(line).from, errorMarker);
  return builder.finish();
});

export function create(textarea, options) {
  options = options || {};
  const language = options.language === "json" ? json() : python();
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(classHighlighter),
        language,
        errorLine,
        errorDecorations,
        errorGutter,
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of(options.contentAttributes || {}),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            textarea.value = update.state.doc.toString();
            if (options.onChange) options.onChange(textarea.value);
          }
        })
      ]
    })
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    markLine(line) {
      line = line > 0 && line <= view.state.doc.lines ? line : 0;
      view.dispatch({ effects: setErrorLine.of(line) });
      return line;
    },
    goToLine(line) {
      if (!(line > 0 && line <= view.state.doc.lines)) return;
      const at = view.state.doc.line(line);
      view.dispatch({ selection: { anchor: at.from, head: at.to }, effects: EditorView.scrollIntoView(at.from, { y: "center" }) });
      view.focus();
    },
    focus: () => view.focus(),
    destroy: () => view.destroy()
  };
}
