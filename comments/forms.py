from django import forms
from django.conf import settings

from blog.ids import parse_id
from blog.proxies import client_ip
from comments.markup import validate_author_url
from comments.models import Comment, writable_text
from comments.screening import Submission
from comments.screening.checks.timestamp import make_form_token


class CommentForm(forms.Form):
    """The reader's fields, the reply target, and the fields that catch bots."""

    author_name = forms.CharField(label="Name", max_length=100)
    author_email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Never shown. Used for reply notifications if you ask for them.",
    )
    author_url = forms.URLField(
        label="Website", max_length=200, required=False, assume_scheme="https"
    )
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 8}))
    # Read with parse_id in clean_parent: IntegerField's int() takes "١٢" for 12.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    remember = forms.BooleanField(
        label="Save my name, email and website in this browser for the next time I comment.",
        required=False,
    )
    notify_replies = forms.BooleanField(
        label="Notify me of follow-up comments by email.", required=False
    )
    # Left empty by people (it is hidden from them); bots fill in every field they find.
    website_confirm = forms.CharField(required=False, label="Leave this field empty")
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, post, *args, thread=None, user=None, **kwargs):
        self.post = post
        self.thread = thread
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(*args, **kwargs)
        self.fields["author_name"].required = settings.BROADSHEET_COMMENT_REQUIRE_NAME
        self.fields["author_email"].required = settings.BROADSHEET_COMMENT_REQUIRE_EMAIL
        max_length = settings.BROADSHEET_COMMENT_MAX_LENGTH
        self.fields["body"] = forms.CharField(
            label="Comment",
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 8}),
            error_messages={
                "max_length": f"Your comment is too long: {max_length:,} characters at most, "
                "and it has %(show_value)d. Please shorten it.",
            },
        )
        self.fields["body"].error_messages["required"] = "Please write a comment."
        self.fields["author_name"].error_messages["required"] = "Please give a name."
        self.fields["author_email"].error_messages.update(
            required="Please give your email address (it is never shown).",
            invalid="That does not look like an email address.",
        )
        self.fields["author_url"].error_messages["invalid"] = (
            "That does not look like a web address (try https://…)."
        )
        # The comment's own rule (http or https only) in place of URLField's, which takes ftp.
        self.fields["author_url"].validators = [validate_author_url]
        if not self.is_bound:
            self.initial.setdefault("token", make_form_token(post))

    def clean_author_email(self):
        return self.cleaned_data["author_email"].strip().lower()

    def clean_body(self):
        # Judged as Comment.objects.create_from will store it: "\x1b" alone is no comment.
        body = self.cleaned_data["body"]
        if not writable_text(body).strip():
            raise forms.ValidationError("Please write a comment.")
        return body

    def clean_parent(self):
        """A reply must answer an approved comment on this same post. A reply to a comment
        at the deepest level attaches beside it, at that level."""
        sent = self.cleaned_data.get("parent")
        if not sent:
            return None
        parent_id = parse_id(sent)
        parent = (
            Comment.objects.filter(pk=parent_id, post=self.post)
            .select_related("parent")
            .first()
            if parent_id is not None
            else None
        )
        if parent is None or not parent.is_approved:
            raise forms.ValidationError(
                "The comment you are replying to is not available. "
                "Your reply can be posted as a new comment instead."
            )
        if parent.depth >= settings.BROADSHEET_COMMENT_MAX_DEPTH - 1:
            parent = parent.parent
        return parent

    def submission(self, request):
        data = self.cleaned_data
        return Submission(
            post=self.post,
            parent=data.get("parent"),
            author_name=data.get("author_name", "").strip(),
            author_email=data.get("author_email", "").strip(),
            author_url=data.get("author_url", ""),
            body=data["body"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            referrer=request.META.get("HTTP_REFERER", "")[:500],
            form_token=data.get("token", ""),
            honeypot=data.get("website_confirm", ""),
            user=self.user,
        )

    def save(self, submission, verdict):
        """Create the comment with the screening's verdict. Raises AlreadySent when these
        words were sent from this same form before (a double click)."""
        return Comment.objects.create_from(
            post=self.post,
            parent=submission.parent,
            author_name=submission.author_name,
            author_email=submission.author_email,
            author_url=submission.author_url,
            body=submission.body,
            ip_address=submission.ip_address,
            user_agent=submission.user_agent,
            user=submission.user,
            form_nonce=submission.form_nonce,
            notify_replies=self.cleaned_data.get("notify_replies", False),
            status=verdict.comment_status,
            verdict=verdict.action.value,
            score=verdict.score,
            reasons=list(verdict.reasons),
            held_reasons=list(verdict.held_reasons),
            classifier_score=verdict.classifier_score,
            verdict_checks=list(verdict.checks),
        )


def warm_up():
    """Build now what a worker's first comment would build: the validators' patterns
    (URLValidator's took 40 ms to compile), bleach's HTML parser and the templates a
    comment and its page are rendered with. gunicorn's master calls this
    (config/gunicorn.py): without it, each worker, new or recycled after max_requests,
    spent about 40 ms more on its first comment."""
    from django.template.loader import get_template

    from comments.markup import render_comment

    fields = CommentForm.base_fields
    fields["author_email"].clean("reader@example.org")
    fields["author_url"].clean("https://example.org/")
    validate_author_url("https://example.org/")
    render_comment("A *first* comment, with https://example.org/ and <b>bold</b>.\n\n> quoted")
    for name in ("comments/_comment_article.html", "comments/_thread.html",
                 "blog/post_detail.html"):  # fmt: skip
        get_template(name)
