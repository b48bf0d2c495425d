/*
 * The API key of a playground tab. It is typed into the page, kept in the tab's
 * sessionStorage (never in a URL, so never in a log), and sent only as an Authorization
 * header to this server. Before a playground opens, the key is checked with a read every key
 * may make; an unknown, revoked or expired key gets the server's reason in the page.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "apiKeyForPlayground"; // Twenty's name for it

  function element(id) {
    return document.getElementById(id);
  }

  function stored() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY);
    } catch (e) {
      return null;
    }
  }

  function forget() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* storage unavailable: nothing was kept */
    }
  }

  function say(text) {
    var box = element("message");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function problemWith(key) {
    var response = await fetch("/rest/metadata/objects?limit=1", {
      headers: { Authorization: "Bearer " + key },
      cache: "no-store",
    });
    if (response.ok) return null;
    var reason = "the server answered HTTP " + response.status;
    try {
      var body = await response.json();
      if (body && body.messages && body.messages.length) reason = body.messages[0];
    } catch (e) {
      /* not JSON: keep the status */
    }
    return reason;
  }

  function start(open) {
    var form = element("key-form");
    var input = element("api-key");
    var forgetButton = element("forget-key");

    async function use(key) {
      say(null);
      var problem;
      try {
        problem = await problemWith(key);
      } catch (e) {
        problem = "the server could not be reached (" + e.message + ")";
      }
      if (problem) {
        forget();
        say("This API key cannot be used: " + problem);
        form.hidden = false;
        input.focus();
        return;
      }
      window.sessionStorage.setItem(STORAGE_KEY, key);
      form.hidden = true;
      forgetButton.hidden = false;
      try {
        await open(key);
      } catch (e) {
        say("The playground could not start: " + e.message);
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var key = input.value.trim();
      input.value = "";
      if (key) use(key);
    });
    forgetButton.addEventListener("click", function () {
      forget();
      window.location.reload();
    });

    var key = stored();
    if (key) {
      use(key);
    } else {
      form.hidden = false;
      input.focus();
    }
  }

  window.Playground = { start: start, say: say };
})();
