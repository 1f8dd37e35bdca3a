// Starts Swagger UI on /api/docs with Cairn's OpenAPI schema (kept out of the page: no inline scripts).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true });
});
