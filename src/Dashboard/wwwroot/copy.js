// The Copy buttons of "Read this run in Python" (RunExport.razor): a button [data-copy="id"] copies the text of the
// element with that id. A module file rather than inline script (the Content-Security-Policy allows none); the
// listener sits on the document, so it serves every page the circuit renders, however often the module is imported.
document.addEventListener('click', async event => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  const id = button && button.getAttribute('data-copy');
  const source = id && document.getElementById(id);
  if (!source) {
    return;
  }

  const status = document.querySelector(`[data-copy-status="${CSS.escape(id)}"]`);
  const text = source.textContent || '';
  let copied = false;
  try {
    // Only in a secure context (HTTPS or localhost).
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    copied = selectAndCopy(source);
  }

  if (status) {
    status.textContent = copied ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.';
    clearTimeout(Number(status.dataset.timer || 0));
    status.dataset.timer = String(setTimeout(() => { status.textContent = ''; }, 4000));
  }
});

function selectAndCopy(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
