"""A blog moving in brings its name: the export's title and tagline replace Broadsheet's
defaults, never what the writer has set here."""

from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import SiteIdentity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Notes from the Towpath</title>
	<link>https://towpath.example.org</link>
	<description>Canal news &amp;#8211; locks, boats &amp;amp; the people on them</description>
	<wp:wxr_version>1.2</wp:wxr_version>
</channel>
</rss>
"""


def import_export(tmp_path, text=EXPORT, *args):
    path = tmp_path / "towpath.xml"
    path.write_text(text)
    out = StringIO()
    call_command("import_wxr", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_fresh_blog_takes_the_title_and_tagline_of_the_export(tmp_path, client):
    output = import_export(tmp_path)

    identity = SiteIdentity.objects.get()
    assert identity.title == "Notes from the Towpath"
    assert identity.tagline == "Canal news – locks, boats & the people on them"
    assert "Took the site title from the export: “Notes from the Towpath”" in output
    assert "Took the site tagline from the export: “Canal news – locks" in output
    home = client.get("/").content.decode()
    assert "<title>Notes from the Towpath" in home and "Broadsheet</title>" not in home


def test_a_title_the_writer_set_here_is_kept(tmp_path):
    SiteIdentity(title="The Towpath Gazette").save()

    output = import_export(tmp_path)

    identity = SiteIdentity.objects.get()
    assert identity.title == "The Towpath Gazette"
    assert identity.tagline == "Canal news – locks, boats & the people on them"  # was default
    assert "site title" not in output


def test_wordpress_own_default_tagline_is_not_taken(tmp_path):
    text = EXPORT.replace(
        "Canal news &amp;#8211; locks, boats &amp;amp; the people on them",
        "Just another WordPress site",
    )

    import_export(tmp_path, text)

    identity = SiteIdentity.objects.get()
    assert identity.title == "Notes from the Towpath"
    assert identity.tagline == SiteIdentity._meta.get_field("tagline").default


def test_a_dry_run_says_what_it_would_take_and_changes_nothing(tmp_path):
    output = import_export(tmp_path, EXPORT, "--dry-run")

    assert "Would take the site title from the export: “Notes from the Towpath”" in output
    assert not SiteIdentity.objects.exists()


def test_an_overlong_title_is_cut_to_fit(tmp_path):
    text = EXPORT.replace("Notes from the Towpath", "Towpath " * 30)

    import_export(tmp_path, text)

    title = SiteIdentity.objects.get().title
    assert len(title) == SiteIdentity._meta.get_field("title").max_length
    assert title.startswith("Towpath Towpath")
