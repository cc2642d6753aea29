// Confirmation dialog for operator actions; resolves to the entered fields, or null when cancelled.
import { el } from './dom.js';

export function confirmAction(title, text, fields = []) {
  const dialog = document.getElementById('confirm');
  const form = dialog.querySelector('form');
  document.getElementById('confirm-title').textContent = title;
  const body = document.getElementById('confirm-text');
  body.replaceChildren(text ?? '');
  const inputs = fields.map((f) => {
    const input = el('input', { name: f.name, required: f.required, value: f.value ?? '', 'data-field': f.name });
    body.append(el('label', { class: 'field' }, f.label, input));
    return input;
  });
  return new Promise((resolve) => {
    dialog.onclose = () => {
      dialog.onclose = null;
      resolve(dialog.returnValue === 'ok' ? Object.fromEntries(inputs.map((i) => [i.name, i.value.trim()])) : null);
    };
    // The cancel button must close the dialog even while required fields are empty.
    document.getElementById('confirm-cancel').formNoValidate = true;
    form.reset?.call(form);
    inputs.forEach((input, i) => { input.value = fields[i].value ?? ''; });
    dialog.returnValue = '';
    dialog.showModal();
  });
}
