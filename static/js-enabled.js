// GOV.UK Frontend's template snippet, as a file because the CSP forbids inline script. base.html loads it
// without defer as the first thing in <body>, so the classes are there before the first paint and the
// page does not jump when app.js (a deferred module) runs.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
