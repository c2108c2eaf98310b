// Applies the learner's theme before the first paint (an external file: the CSP forbids inline scripts).
(function () {
  var t = null;
  try {
    t = localStorage.getItem('kubelab-theme');
  } catch (e) {}
  if (t !== 'light' && t !== 'dark') t = window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.setAttribute('data-theme', t);
})();
