// Marks the page as having JavaScript before it paints, as GOV.UK Frontend expects. A file rather than
// an inline script so the Content-Security-Policy can forbid inline script altogether.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
