from communes.access import scope_for


def scope(request):
    """The caller's access scope, for menus that depend on the role."""
    return {"portal_scope": scope_for(getattr(request, "user", None))}
