// The workshop list: the new-workshop form reads its opening time in the instructor's own time zone.
function start(): void {
  const tz = document.querySelector<HTMLInputElement>('#new-workshop input[name="tzOffset"]');
  if (tz) tz.value = String(new Date().getTimezoneOffset());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
