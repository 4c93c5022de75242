"""Reading links and domains out of a submission, shared by the checks that need them."""

import re
from urllib.parse import urlsplit

# A link as readers and bots write them: a URL with a scheme, a bare www. address, or
# an HTML anchor; each occurrence counts once.
_LINK = re.compile(r"""(?:https?://|www\.)[^\s<>"']+""", re.I)
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"'\s>]+)""", re.I)


def links(text):
    """Every link in `text`, in order (an <a href> and its visible URL count once)."""
    hrefs = _HREF.findall(text)
    without_anchors = _HREF.sub(" ", text)
    return hrefs + _LINK.findall(without_anchors)


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


def link_domains(submission):
    """The domains linked from the body and the website field, without duplicates."""
    urls = links(submission.body)
    if submission.author_url:
        urls.append(submission.author_url)
    return list(dict.fromkeys(d for d in map(domain_of, urls) if d))


def email_domain(email):
    return email.rpartition("@")[2].lower() if "@" in email else ""
