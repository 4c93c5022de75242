"""WordPress export files for the import and export tests.

The hand-written ones live in tests/wxr/. `write_synthetic_export` writes a large invented
one on the fly (never committed): N posts with M threaded comments each.

    python -m tests.wxr_files OUT.xml --posts 5000 --comments 40

writes one for measuring an import by hand.
"""

import argparse
from pathlib import Path

FOLDER = Path(__file__).parent / "wxr"
OLD_BLOG = FOLDER / "old-blog-1.2.xml"  # WXR 1.2: the full tour
OLDER_BLOG = FOLDER / "older-blog-1.1.xml"  # WXR 1.1, from an older WordPress

_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Synthetic</title><link>https://synthetic.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://synthetic.example.org</wp:base_site_url>
<wp:base_blog_url>https://synthetic.example.org</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>writer</wp:author_login>
<wp:author_email>writer@example.org</wp:author_email></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
"""
_PARAGRAPH = (
    "The committee met on a Tuesday and agreed, after some discussion, to defer the decision "
    "on the footpath until the next meeting, which is the fourth deferral this year.\n"
    "A second line of the same paragraph, with <em>emphasis</em> &amp; an entity.\n\n"
)
_COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {n}]]></wp:comment_author>
<wp:comment_author_email>reader{n}@example.net</wp:comment_author_email>
<wp:comment_author_IP>192.0.2.{ip}</wp:comment_author_IP>
<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{date}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Comment {n} on post {post}.

I agree with most of this, but not with the part about the footpath.]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>
"""


def write_synthetic_export(path, posts, comments_per_post, paragraphs=8):
    """Write an export of `posts` posts with `comments_per_post` comments each; every third
    comment replies to the one before it. Returns the file size in bytes."""
    body = _PARAGRAPH * paragraphs
    with open(path, "w", encoding="utf-8") as out:
        out.write(_HEADER)
        comment_id = 1
        for n in range(1, posts + 1):
            year, month = 2000 + n % 20, 1 + n % 12
            date = f"{year}-{month:02d}-15 10:{n % 60:02d}:00"
            out.write(
                f"<item><title>Synthetic post number {n}</title>"
                f"<link>https://synthetic.example.org/{year}/{month:02d}/post-{n}/</link>"
                "<dc:creator>writer</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date>"
                f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>post-{n}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                '<category domain="category" nicename="news"><![CDATA[News]]></category>\n'
            )
            for m in range(comments_per_post):
                parent = comment_id - 1 if m % 3 == 2 else 0
                out.write(
                    _COMMENT.format(
                        id=comment_id, n=comment_id, post=n, ip=comment_id % 250 + 1,
                        date=f"{year}-{month:02d}-16 {m % 24:02d}:{m % 60:02d}:00",
                        approved="spam" if m % 10 == 9 else "1", parent=parent,
                    )
                )  # fmt: skip
                comment_id += 1
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return Path(path).stat().st_size


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write a synthetic WordPress export.")
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--paragraphs", type=int, default=8)
    arguments = parser.parse_args()
    size = write_synthetic_export(
        arguments.out, arguments.posts, arguments.comments, arguments.paragraphs
    )
    print(f"{arguments.out}: {size / 1e6:.1f} MB")
