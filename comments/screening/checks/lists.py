import ipaddress

from comments.screening.submission import Action, Signal
from comments.screening.text import email_domain, link_domains


class Lists:
    """The blocklist and the moderation list from the admin. A blocklist hit is spam; a
    moderation-list hit holds the comment. Both lists come from the cache (see
    ScreeningRule.cached)."""

    def __call__(self, submission):
        from comments.models import ScreeningRule

        rules = ScreeningRule.cached()
        if not rules:
            return None
        block = [rule for rule in rules if rule.list == ScreeningRule.List.BLOCK]
        moderate = [rule for rule in rules if rule.list == ScreeningRule.List.MODERATE]
        if hit := first_match(block, submission):
            return Signal(f"blocklist: {hit}", action=Action.SPAM)
        if hit := first_match(moderate, submission):
            return Signal(
                f"moderation list: {hit}",
                action=Action.HOLD,
                held_reason="it matches a word or address our moderators check by hand",
            )
        return None


def first_match(rules, submission):
    """A description of the first rule `submission` matches, or None."""
    from comments.models import ScreeningRule

    Kind = ScreeningRule.Kind
    text = "\n".join(
        [submission.author_name, submission.author_email, submission.author_url,
         submission.body, submission.user_agent]
    ).lower()  # fmt: skip
    email = submission.author_email.lower()
    domains = link_domains(submission)
    ip = _ip(submission.ip_address)
    for rule in rules:
        value = rule.value.lower()
        if rule.kind == Kind.WORD and value and value in text:
            return f"word “{rule.value}”"
        if rule.kind == Kind.EMAIL and email and (
            email == value or (value.startswith("@") and email_domain(email) == value[1:])
        ):
            return f"email {rule.value}"
        if rule.kind == Kind.DOMAIN and any(d == value or d.endswith("." + value) for d in domains):
            return f"link domain {rule.value}"
        if rule.kind == Kind.IP and ip is not None and _in_network(ip, rule.value):
            return f"IP {rule.value}"
    return None


def _ip(value):
    try:
        return ipaddress.ip_address(value) if value else None
    except ValueError:
        return None


def _in_network(ip, network):
    try:
        return ip in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
