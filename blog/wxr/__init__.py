"""WordPress eXtended RSS (WXR): moving a blog in from WordPress, and back out again.

`reader` streams an export file, `autop` restores the paragraphs WordPress leaves out of
stored bodies, `importer` writes what was read into the blog, `exporter` writes the blog
back out as WXR 1.2 for WordPress's own importer.
"""
