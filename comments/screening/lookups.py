"""What the stored comments say about a new one, looked up once per submission.

The comment view (was this form sent before?), the duplicate, history and surge checks and
the held-comment message all ask the comment table about the same writer, text, form and
links; one query answers them all (the columns it
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
# Counts of a writer's comments stop here: past it, a reason's number is all that changes.
COUNTED_AT_MOST = 20


def most_counted():
    """COUNTED_AT_MOST, or more if the trust settings need more approved comments than that
    to reach the most trust."""
    from comments.screening.checks.history import approvals_for_most_trust

    return max(COUNTED_AT_MOST, approvals_for_most_trust())


@dataclass(frozen=True)
class Stored:
    duplicate: bool  # the same text from the same writer on the same post, not in the trash
    approved_ever: bool  # the writer (same email) has had a comment approved
    # Counted up to most_counted():
    approved_since_spam: int  # ... and this many since their latest spam
    spam: int  # comments from this email in the spam folder
    ip_spam: bool  # a comment from this IP address is in the spam folder
    same_text: bool  # ... with this very text (a campaign), if it is long enough to tell
    spam_domain: str | None  # a domain it links to that a comment marked spam linked to
    sent_before: int | None  # the comment these words made when this form was sent before


def stored_history(submission):
    """One query, in plain SQL: built with the ORM it cost more to compose than the
    database took to answer. Each answer is a subquery on an index (body hash, email, IP,
    link domain) that stops as soon as it knows: at the first row for a yes or no, at
    COUNTED_AT_MOST rows for a count. So a spammer with a thousand comments in the spam
    folder costs no more than one with ten, whose rows, spread over the table, each cost a
    page read. The post is only a filter (on a post with a hundred thousand comments,
    SQLite would otherwise read them all)."""
    from comments.models import Comment, LinkedDomain, form_key_of

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
    counted = most_counted()
    # An approved comment counts toward trust if no spam from the same email came (or was
    # marked) at or after it: "approved since their latest spam". "+post_id" keeps the post
    # a filter: SQLite would otherwise read every comment of the post through its index.
    sql = f"""
        SELECT
            EXISTS (SELECT 1 FROM {table} WHERE body_hash = %s AND +post_id = %s
                    AND {same_writer} AND status <> %s),
            EXISTS (SELECT 1 FROM {table} WHERE author_email = %s AND status = %s),
            (SELECT COUNT(*) FROM (
                SELECT 1 FROM {table} AS approved
                WHERE author_email = %s AND status = %s AND NOT EXISTS (
                    SELECT 1 FROM {table} AS spam
                    WHERE spam.author_email = %s AND spam.status = %s
                        AND COALESCE(spam.status_changed_at, spam.submitted_at)
                            >= approved.submitted_at)
                LIMIT %s) AS trusted),
            (SELECT COUNT(*) FROM (
                SELECT 1 FROM {table} WHERE author_email = %s AND status = %s LIMIT %s
            ) AS marked),
            EXISTS (SELECT 1 FROM {table} WHERE ip_address = %s AND status = %s),
            %s AND EXISTS (SELECT 1 FROM {table} WHERE body_hash = %s AND status = %s),
            {spam_domain},
            (SELECT id FROM {table} WHERE form_key = %s AND NOT (form_key = ''))
    """
    # An empty email or a missing IP address matches nothing: "" and NULL are no writer.
    email_or_none = email or None
    params = [
        hashed, submission.post.pk, *writer_params, status.TRASH,
        email_or_none, status.APPROVED,
        email_or_none, status.APPROVED, email_or_none, status.SPAM, counted,
        email_or_none, status.SPAM, counted,
        ip, status.SPAM,
        campaign, hashed, status.SPAM,
        *domain_params,
        form_key_of(submission) or None,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (duplicate, approved, approved_since, spam, ip_spam, same_text, domain,
         sent_before) = cursor.fetchone()  # fmt: skip
    return Stored(
        duplicate=bool(duplicate),
        approved_ever=bool(approved),
        approved_since_spam=approved_since,
        spam=spam,
        ip_spam=bool(ip_spam),
        same_text=bool(same_text),
        spam_domain=domain,
        sent_before=sent_before,
    )

