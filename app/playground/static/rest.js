/*
 * The REST playground: Scalar's API reference over this workspace's OpenAPI document (core or
 * metadata), with "try it" requests sent straight to this server. Everything Scalar would
 * fetch from elsewhere is switched off: its fonts, telemetry, request proxy and AI agent.
 */
(function () {
  "use strict";

  var doc = document.body.dataset.doc;

  window.Playground.start(async function (key) {
    var response = await fetch("/rest/open-api/" + doc, {
      headers: { Authorization: "Bearer " + key },
      cache: "no-store",
    });
    if (!response.ok) throw new Error("the OpenAPI document answered HTTP " + response.status);
    var content = await response.json();
    window.Scalar.createApiReference("#app", {
      content: content,
      authentication: {
        preferredSecurityScheme: "bearerAuth",
        securitySchemes: { bearerAuth: { token: key } },
      },
      persistAuth: false,
      proxyUrl: "",
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      hideModels: doc === "metadata",
      showDeveloperTools: "never",
      agent: { disabled: true },
      mcp: { disabled: true },
      externalUrls: {
        dashboardUrl: window.location.origin,
        registryUrl: window.location.origin,
        proxyUrl: "",
        apiBaseUrl: window.location.origin,
      },
    });
  });
})();
