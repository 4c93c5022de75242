"""What the stored comments say about a new one, looked up once per submission.

The duplicate, history and surge checks and the held-comment message all ask the comment
table about the same writer, text and links; one query answers them all (the columns it
reads are stored at write time and indexed: the lowercase email, the IP address, the body
hash, and the link domains in their own table). `Submission.stored` runs it on first use.
"""

from dataclasses import dataclass

from django.db import connection

from comments.screening.text import body_hash, link_domains, normal_body

# Shorter texts ("great video!") are written by many people independently: sharing one with
# a comment in the spam folder says nothing about the writer.
CAMPAIGN_MIN_LENGTH = 40
# Link domains looked up per comment: a comment with more is suspicious enough already.
MOST_DOMAINS = 5


@dataclass(frozen=True)
class Stored:
    duplicate: bool  # the same text from the same writer on the same post, not in the trash
    approved_ever: bool  # the writer (same email) has had a comment approved
    approved_since_spam: int  # ... and this many since their latest spam
    spam: int  # comments from this email in the spam folder
    ip_spam: int  # ... from this IP address
    same_text: int  # ... with this very text (a campaign), if it is long enough to tell
    spam_domain: str | None  # a domain it links to that a comment marked spam linked to


def stored_history(submission):
    """One query, in plain SQL: built with the ORM (filtered counts, a subquery for the
    latest spam) it cost more to compose than the database took to answer. The rows read
    are found by the body hash, email and IP indexes; the post is only a filter (on a post
    with a hundred thousand comments, SQLite would otherwise read them all). The link
    domains are a subquery that stops at the first spam row it finds."""
    from comments.models import Comment, LinkedDomain

    table = connection.ops.quote_name(Comment._meta.db_table)
    domains_table = connection.ops.quote_name(LinkedDomain._meta.db_table)
    status = Comment.Status
    email = submission.author_email.lower()
    hashed = body_hash(submission.body)
    ip = connection.ops.adapt_ipaddressfield_value(submission.ip_address or None)
    campaign = len(normal_body(submission.body)) >= CAMPAIGN_MIN_LENGTH
    if email:
        same_writer, writer_params = "author_email = %s", [email]
    else:
        same_writer = "author_name = %s AND ip_address = %s"
        writer_params = [submission.author_name, ip]
    domains = link_domains(submission)[:MOST_DOMAINS]
    if domains:
        spam_domain = (f"(SELECT domain FROM {domains_table} WHERE status = %s AND domain IN "
                       f"({', '.join(['%s'] * len(domains))}) LIMIT 1)")  # fmt: skip
        domain_params = [status.SPAM, *domains]
    else:
        spam_domain, domain_params = "NULL", []
    sql = f"""
        WITH latest_spam AS (
            SELECT MAX(COALESCE(status_changed_at, submitted_at)) AS at
            FROM {table} WHERE author_email = %s AND status = %s
        )
        SELECT
            COUNT(*) FILTER (WHERE post_id = %s AND body_hash = %s AND {same_writer}
                             AND status <> %s),
            COUNT(*) FILTER (WHERE author_email = %s AND status = %s),
            COUNT(*) FILTER (WHERE author_email = %s AND status = %s
                             AND (latest_spam.at IS NULL OR submitted_at > latest_spam.at)),
            COUNT(*) FILTER (WHERE author_email = %s AND status = %s),
            COUNT(*) FILTER (WHERE ip_address = %s AND status = %s),
            COUNT(*) FILTER (WHERE body_hash = %s AND status = %s AND %s),
            {spam_domain}
        FROM {table}, latest_spam
        WHERE body_hash = %s
            OR author_email = %s
            OR (ip_address = %s AND status = %s)
            OR (body_hash = %s AND status = %s AND %s)
    """
    # An empty email or a missing IP address matches nothing: "" and NULL are no writer.
    email_or_none = email or None
    params = [
        email_or_none, status.SPAM,
        submission.post.pk, hashed, *writer_params, status.TRASH,
        email_or_none, status.APPROVED,
        email_or_none, status.APPROVED,
        email_or_none, status.SPAM,
        ip, status.SPAM,
        hashed, status.SPAM, campaign,
        *domain_params,
        hashed,
        email_or_none,
        ip, status.SPAM,
        hashed, status.SPAM, campaign,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        duplicate, approved, approved_since, spam, ip_spam, same_text, domain = cursor.fetchone()
    return Stored(
        duplicate=duplicate > 0,
        approved_ever=approved > 0,
        approved_since_spam=approved_since,
        spam=spam,
        ip_spam=ip_spam,
        same_text=same_text,
        spam_domain=domain,
    )

