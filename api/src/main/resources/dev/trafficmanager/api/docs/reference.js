// In a file of its own rather than inline, so the page needs no 'unsafe-inline' script policy.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  tryItOutEnabled: false,
});
