// The strict-CSP page's violation recorder. A classic script loaded first in <head>, so it hears
// every `securitypolicyviolation` from the start (they bubble and cross shadow roots to the
// document). The count is shown on the page and kept in `window.__cspViolations` for the tests.
(function () {
  var violations = (window.__cspViolations = []);
  function show() {
    var status = document.getElementById('csp-status');
    var log = document.getElementById('csp-log');
    if (!status || !log) return;
    status.dataset.violations = String(violations.length);
    status.textContent = violations.length + (violations.length === 1 ? ' CSP violation' : ' CSP violations');
    log.replaceChildren.apply(
      log,
      violations.map(function (v) {
        var li = document.createElement('li');
        li.textContent =
          v.effectiveDirective +
          ' blocked ' +
          (v.blockedURI || 'inline') +
          (v.sourceFile ? ' (' + v.sourceFile + ':' + v.lineNumber + ')' : '') +
          (v.sample ? ' — ' + v.sample : '');
        return li;
      }),
    );
  }
  document.addEventListener(
    'securitypolicyviolation',
    function (e) {
      violations.push({
        effectiveDirective: e.effectiveDirective,
        violatedDirective: e.violatedDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        lineNumber: e.lineNumber,
        sample: e.sample,
      });
      show();
    },
    true,
  );
  document.addEventListener('DOMContentLoaded', show);
})();
