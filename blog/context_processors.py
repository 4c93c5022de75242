from blog.models import Page, SiteIdentity


def site_identity(request):
    """The blog's title, tagline and footer for the base template."""
    return {"site": SiteIdentity.load()}


def site_menu(request):
    """The standalone pages linked in the site's menu (cached: no query on most pages)."""
    return {"menu_pages": Page.menu()}
