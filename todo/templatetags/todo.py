"""The number of things to do, for the menus: computed once per request and page."""

from django import template

from communes.access import scope_for

register = template.Library()


def todo_remember(request, key, todo) -> None:
    """Keep a list already read by the view, so the menu does not read it again."""
    cache = request.__dict__.setdefault("_todo_lists", {})
    cache[key] = todo


@register.simple_tag(takes_context=True)
def commune_todo_count(context, commune) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    cache = request.__dict__.setdefault("_todo_lists", {})
    key = ("commune", commune.pk)
    if key not in cache:
        from todo.selectors import commune_todo

        scope = scope_for(request.user)
        if not scope.is_member_of(commune) or (scope.is_admin and not scope.commune_ids):
            return 0
        cache[key] = commune_todo(commune, scope)
    return cache[key].count


@register.simple_tag(takes_context=True)
def province_todo_count(context, province) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    cache = request.__dict__.setdefault("_todo_lists", {})
    key = ("province", province.pk)
    if key not in cache:
        from todo.selectors import province_todo

        if not scope_for(request.user).can_manage_province(province):
            return 0
        cache[key] = province_todo(province)
    return cache[key].count
