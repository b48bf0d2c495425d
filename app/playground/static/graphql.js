/*
 * The GraphQL playground: GraphiQL with its explorer plugin over /graphql or /metadata. The
 * schema (docs, autocomplete) comes from introspection with the tab's key; the key goes in the
 * fetcher's headers, never in GraphiQL's (persisted) headers editor.
 */
(function () {
  "use strict";

  var endpoint = document.body.dataset.endpoint; // "graphql" or "metadata"
  var DEFAULT_QUERY = {
    graphql:
      "# The first people of the workspace\n" +
      "query People {\n  people(first: 5) {\n    totalCount\n" +
      "    edges {\n      node {\n        id\n        name {\n          firstName\n" +
      "          lastName\n        }\n      }\n    }\n  }\n}\n",
    metadata:
      "# The workspace's objects\n" +
      "query Objects {\n  objects(paging: { first: 5 }) {\n    edges {\n      node {\n" +
      "        id\n        nameSingular\n        namePlural\n      }\n    }\n  }\n}\n",
  };

  // GraphiQL keeps tabs and queries in localStorage: one namespace per endpoint.
  function storageFor(prefix) {
    var local = window.localStorage;
    return {
      getItem: function (k) { return local.getItem(prefix + k); },
      setItem: function (k, v) { local.setItem(prefix + k, v); },
      removeItem: function (k) { local.removeItem(prefix + k); },
      clear: function () {
        Object.keys(local).forEach(function (k) {
          if (k.indexOf(prefix) === 0) local.removeItem(k);
        });
      },
      get length() {
        return Object.keys(local).filter(function (k) { return k.indexOf(prefix) === 0; }).length;
      },
    };
  }

  window.Playground.start(async function (key) {
    var GraphiQL = window.GraphiQL;
    var fetcher = GraphiQL.createFetcher({
      url: window.location.origin + "/" + endpoint,
      headers: { Authorization: "Bearer " + key },
    });
    var explorer = window.GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false });
    var root = window.ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(
      window.React.createElement(GraphiQL, {
        fetcher: fetcher,
        plugins: [explorer],
        defaultQuery: DEFAULT_QUERY[endpoint],
        storage: storageFor("crm-playground:" + endpoint + ":"),
        shouldPersistHeaders: false,
      })
    );
  });
})();
