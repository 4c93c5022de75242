"""Answer a commenter's request about their data, found by their email address (in any
case): `export` prints everything stored about them as JSON; `erase` anonymises their
comments (or deletes them, with --delete) and removes their subscriptions, the emails to
them and the screening rules that name them. The admin's comment list has both as actions."""

import json

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.commenters import export
from comments.models import Comment


class Command(BaseCommand):
    help = "Export (as JSON) or erase what the blog stores about a commenter, by email address."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export_parser = actions.add_parser("export", help="Print everything stored, as JSON.")
        export_parser.add_argument("emails", nargs="+", metavar="EMAIL")
        erase_parser = actions.add_parser(
            "erase", help="Anonymise their comments and remove what else names them."
        )
        erase_parser.add_argument("emails", nargs="+", metavar="EMAIL")
        erase_parser.add_argument(
            "--delete", action="store_true", help="Delete their comments instead of keeping "
            "the text under the name Anonymous (replies stay, at the top level).",
        )  # fmt: skip

    def handle(self, *args, action, emails, delete=False, **options):
        for email in emails:
            try:
                validate_email(email.strip())
            except ValidationError:
                raise CommandError(f"Not an email address: {email!r}") from None
        theirs = Comment.objects.written_by(*emails)
        if action == "export":
            self.stdout.write(json.dumps(export(theirs, emails), indent=2, ensure_ascii=False))
            return
        erasure = theirs.erase_writers(emails, delete=delete)
        self.stdout.write(f"Erased {', '.join(emails)}: {erasure}")
