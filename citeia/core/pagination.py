from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, items, *, per_page: int = PER_PAGE) -> Page:
    """The requested page; an out-of-range or malformed number gives the nearest valid page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
