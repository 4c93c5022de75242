"""Reading links and domains out of a submission, shared by the checks that need them."""

import hashlib
import re
from urllib.parse import urlsplit

# A link as readers and bots write them: a URL with a scheme, a bare www. address, or
# an HTML anchor; each occurrence counts once.
_LINK = re.compile(r"""(?:https?://|www\.)[^\s<>"']+""", re.I)
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"'\s>]+)""", re.I)
_TAG = re.compile(r"<[^>]*>")


def links(text):
    """Every link in `text`, in order (an <a href> and its visible URL count once)."""
    hrefs = _HREF.findall(text)
    without_anchors = _HREF.sub(" ", text)
    return hrefs + _LINK.findall(without_anchors)


def links_and_tags_removed(text):
    """The words of `text` alone: every link and HTML tag replaced by a space."""
    return _LINK.sub(" ", _TAG.sub(" ", text))


def domain_of(url):
    """The domain `url` links to, or "" for none (or for "http://[x]", which urlsplit
    refuses with a ValueError)."""
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".").removeprefix("www.")


def email_domain(email):
    return email.rpartition("@")[2].lower() if "@" in email else ""


def domains_linked_from(body, author_url=""):
    """The domains linked from a comment's body and website field, without duplicates."""
    urls = links(body)
    if author_url:
        urls.append(author_url)
    return list(dict.fromkeys(d for d in map(domain_of, urls) if d))


def link_domains(submission):
    """The domains linked from the body and the website field, without duplicates."""
    return domains_linked_from(submission.body, submission.author_url)


def normal_body(body):
    """A body as the duplicate and campaign checks compare them: case and spacing ignored."""
    return re.sub(r"\s+", " ", body).strip().lower()


def body_hash(body):
    """A short fingerprint of the normal body, stored on each comment and indexed."""
    return hashlib.blake2b(normal_body(body).encode(), digest_size=16).hexdigest()
