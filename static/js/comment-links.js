// A link to a comment this page does not show (#comment-1002): the old WordPress blog's
// links name an imported comment's WordPress id, or a comment page that has moved on.
// /comments/<n>/?on=<this page> finds the comment and answers with the page that shows it.
(function () {
  "use strict";
  var sought = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!sought || document.getElementById("comment-" + sought[1])) return;
  var script = document.currentScript;
  if (!script || !script.dataset.findComment) return;
  // On the page-not-found page, only an old comment page of a post is worth asking about.
  var commentPage = /\/comment-page-\d+\/$/.test(window.location.pathname);
  if ("commentPagesOnly" in script.dataset && !commentPage) return;
  // Asked once per address and fragment: an answer that still lacks it is not asked again.
  var asked = "comment-sought:" + window.location.pathname + window.location.hash;
  try {
    if (window.sessionStorage.getItem(asked)) return;
    window.sessionStorage.setItem(asked, "1");
  } catch (error) {
    return;
  }
  var find = script.dataset.findComment.replace(/0\/$/, sought[1] + "/");
  window.location.replace(find + "?on=" + encodeURIComponent(window.location.pathname));
})();
