import pytest

pytestmark = pytest.mark.django_db

HOSTILE_BODIES = [
    '<script>alert("owned")</script>Hello',
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<p onclick="alert(1)" style="color:red">styled</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    '<form action="/admin/"><input name="x"></form>',
    # bleach checks src's scheme, not srcset's: every URL in it is checked by ours.
    '<img src="a.png" srcset="javascript:alert(1) 1x">',
    '<img src="a.png" srcset="/a.png 1x, data:text/html,alert(1) 2x">',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_post_bodies_are_sanitized_when_rendered(client, make_post, body):
    post = make_post(body=body)

    page = client.get(post.get_absolute_url()).content.decode()
    article = page[page.index('<div class="post-body">') : page.index("</article>")]

    assert "<script" not in article
    assert "alert(" not in article
    assert "javascript:" not in article.lower()
    assert "onerror" not in article and "onclick" not in article and "onload" not in article
    assert "<iframe" not in article and "<svg" not in article and "<form" not in article
    assert "data:text" not in article
    assert "style=" not in article


def test_safe_markdown_and_html_survive(make_post):
    post = make_post(
        body="## Heading\n\nSome **bold** and a [link](https://example.org/).\n\n"
        '<figure><img src="https://example.org/a.png" alt="A chart"></figure>\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <here>\n```"
    )

    assert "<h2>Heading</h2>" in post.body_html
    assert "<strong>bold</strong>" in post.body_html
    assert '<a href="https://example.org/">link</a>' in post.body_html
    assert '<img src="https://example.org/a.png" alt="A chart">' in post.body_html
    assert "<table>" in post.body_html
    assert "code &lt;here&gt;" in post.body_html


def test_body_is_rendered_once_on_save(make_post):
    post = make_post(body="*one*")
    post.body = "*two*"
    post.save(update_fields=["body"])
    post.refresh_from_db()

    assert post.body_html == "<p><em>two</em></p>"
