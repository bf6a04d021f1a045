// Vote buttons without a page reload: the same API as other clients. Without this
// script (or if the request fails to reach the server) the form posts as usual.
(function () {
  "use strict";
  var status = document.getElementById("vote-status");
  document.querySelectorAll("[data-vote-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var action = form.querySelector("[name=action]");
      var button = form.querySelector("button");
      var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
      var withdraw = action.value === "withdraw";
      button.disabled = true;
      fetch(form.dataset.api, {
        method: withdraw ? "DELETE" : "POST",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) {
            status.hidden = false;
            if (!response.ok) {
              status.className = "message message-error";
              status.textContent = data.detail;
              return;
            }
            action.value = data.voted ? "withdraw" : "vote";
            button.textContent = data.voted ? form.dataset.votedLabel : form.dataset.voteLabel;
            button.className = data.voted ? "button button-secondary" : "button";
            button.setAttribute("aria-pressed", data.voted ? "true" : "false");
            var tally = document.querySelector("[data-my-votes]");
            if (tally) {
              // The count comes first in every language's sentence.
              var mine = document.querySelectorAll("[data-vote-form] [name=action][value=withdraw]").length;
              tally.textContent = tally.textContent.replace(/\d+/, String(mine));
            }
            status.className = "message message-success";
            status.textContent = data.voted ? form.dataset.thanks : form.dataset.takenBack;
          });
        })
        .catch(function () {
          form.submit();
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  });
})();
