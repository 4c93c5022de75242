from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from blog.models import DonationLink, Post


def home(request):
    """Newest published posts first, a page at a time."""
    posts = Post.objects.published().select_related("author")
    paginator = Paginator(posts, settings.BROADSHEET_POSTS_PER_PAGE)
    page = _page_or_404(paginator, request.GET.get("page", 1))
    return render(request, "blog/home.html", {"page": page, "posts": page.object_list})


def _page_or_404(paginator, number):
    """Unlike `get_page`, a bad or out-of-range page number is a 404, not page 1 again."""
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def post_detail(request, year, month, slug):
    """A post at its permanent address, /year/month/slug/."""
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    canonical = post.get_absolute_url()
    if request.path != canonical:
        # The slug is unique; a wrong year or month is an old or mistyped address.
        return redirect(canonical, permanent=True)
    context = {
        "post": post,
        "previous_post": post.previous_post() if post.is_published else None,
        "next_post": post.next_post() if post.is_published else None,
        "donation_links": list(DonationLink.objects.active()),
        "now": timezone.now(),
    }
    return render(request, "blog/post_detail.html", context)
