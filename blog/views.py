from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from blog.models import DonationLink, Post
from comments.section import comment_section


def home(request):
    """Featured posts, then the newest published posts, a page at a time."""
    posts = (
        Post.objects.published()
        .filter(show_on_home=True)
        .select_related("author")
        .order_by("-sticky", "-publish_at", "-id")
    )
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
    """A post at its permanent address, /year/month/slug/, with its comments."""
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    canonical = post.get_absolute_url()
    if request.path != canonical:
        # The slug is unique; a wrong year or month is an old or mistyped address.
        return redirect(canonical, permanent=True)
    return render_post(request, post)


def render_post(request, post, status=200, **comment_state):
    """The post page. The comments app calls this too, to show a form that needs another go
    (`form`, a `rejection` message, `rejected_text`)."""
    context = {
        "post": post,
        "previous_post": post.previous_post() if post.is_published else None,
        "next_post": post.next_post() if post.is_published else None,
        "donation_links": list(DonationLink.objects.active()),
        **comment_section(request, post, **comment_state),
    }
    return render(request, "blog/post_detail.html", context, status=status)
