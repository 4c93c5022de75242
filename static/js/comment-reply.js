// Reply in place: move the comment form under the comment being answered, and back on cancel.
// Without JavaScript the Reply links still work: ?replytocom=<id>#respond renders the form as a reply.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("comment-form");
  if (!respond || !form) return;

  // A form sent back: its message, just above the fields, is where the reader starts.
  // Focused after load, once the browser has gone to the #respond in the address (which
  // moves the focus to the page itself).
  var problem = document.getElementById("comment-form-problem");
  if (problem) {
    window.addEventListener("load", function () {
      setTimeout(function () { problem.focus(); }, 0);
    });
  }

  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  var parentInput = form.querySelector("input[name=parent]");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var body = form.querySelector("textarea[name=body]");
  var defaultTitle = "Leave a Reply";

  function replyTo(link) {
    var item = document.getElementById("li-comment-" + link.dataset.commentId);
    if (!item) return false;
    var article = item.querySelector("article");
    article.insertAdjacentElement("afterend", respond);
    parentInput.value = link.dataset.commentId;
    title.textContent = "Reply to " + link.dataset.authorName;
    cancel.hidden = false;
    body.focus();
    return true;
  }

  function cancelReply() {
    home.insertAdjacentElement("afterend", respond);
    parentInput.value = "";
    title.textContent = defaultTitle;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var toField = event.target.closest("#comment-form-problem a[href^='#']");
    var field = toField && document.getElementById(toField.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      return;
    }
    var link = event.target.closest(".comment-reply-link");
    if (link && replyTo(link)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("#cancel-comment-reply-link")) {
      event.preventDefault();
      var answered = parentInput.value;
      cancelReply();
      var replyLink = answered && document.querySelector('.comment-reply-link[data-comment-id="' + answered + '"]');
      (replyLink || body).focus();
    }
  });
})();
