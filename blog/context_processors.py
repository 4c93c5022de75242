from blog.models import SiteIdentity


def site_identity(request):
    """The blog's title, tagline and footer for the base template."""
    return {"site": SiteIdentity.load()}
