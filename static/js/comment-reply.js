// Reply in place: move the comment form under the comment being answered, and back on cancel.
// Without JavaScript the Reply links still work: ?replytocom=<id>#respond renders the form as a reply.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("comment-form");
  if (!respond || !form) return;

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
