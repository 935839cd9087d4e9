/**
 * The one module that knows the UI component library. @vscode/webview-ui-toolkit was
 * asked for but is deprecated upstream (2025-01-01); moving to @vscode-elements/elements
 * means changing this file only: panels build controls through these functions and
 * read plain values back.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeTextField(),
);

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function button(label: string, onClick: () => void, secondary = false): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (secondary) b.setAttribute('appearance', 'secondary');
  b.addEventListener('click', onClick);
  return b;
}

export interface Checkbox {
  element: HTMLElement;
  get checked(): boolean;
  set checked(value: boolean);
}

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
): Checkbox {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = label;
  c.checked = checked;
  c.addEventListener('change', () => onChange(c.checked));
  return {
    element: c,
    get checked() {
      return c.checked;
    },
    set checked(value: boolean) {
      c.checked = value;
    },
  };
}

export function dropdown<T extends string>(
  label: string,
  options: { value: T; label: string }[],
  value: T,
  onChange: (value: T) => void,
): HTMLElement {
  const wrap = el('label', 'control');
  wrap.append(el('span', 'control-label', label));
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === value) opt.setAttribute('selected', '');
    d.append(opt);
  }
  d.addEventListener('change', () => onChange(d.value as T));
  wrap.append(d);
  return wrap;
}

export function textField(
  label: string,
  value: string,
  onChange: (value: string) => void,
): HTMLElement {
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.setAttribute('value', value);
  t.textContent = label;
  t.addEventListener('change', () => onChange(t.value));
  return t;
}

export interface Slider {
  element: HTMLElement;
  input: HTMLInputElement;
  set value(v: number);
}

/**
 * A labelled range input with its value shown (the toolkit has no slider). `input`
 * fires while dragging, so callers debounce expensive work themselves.
 */
export function slider(
  label: string,
  range: { min: number; max: number; step: number; value: number },
  onInput: (value: number) => void,
  format: (v: number) => string = String,
): Slider {
  const wrap = el('label', 'control slider');
  const shown = el('span', 'slider-value', format(range.value));
  const input = el('input');
  input.type = 'range';
  input.min = String(range.min);
  input.max = String(range.max);
  input.step = String(range.step);
  input.value = String(range.value);
  input.setAttribute('aria-label', label);
  input.addEventListener('input', () => {
    shown.textContent = format(Number(input.value));
    onInput(Number(input.value));
  });
  wrap.append(el('span', 'control-label', label), input, shown);
  return {
    element: wrap,
    input,
    set value(v: number) {
      input.value = String(v);
      shown.textContent = format(v);
    },
  };
}

/** A status line (role=status) that screen readers announce. */
export function statusLine(): { element: HTMLElement; set(text: string, error?: boolean): void } {
  const s = el('div', 'status');
  s.setAttribute('role', 'status');
  return {
    element: s,
    set(text: string, error = false) {
      s.textContent = text;
      s.classList.toggle('error', error);
    },
  };
}
