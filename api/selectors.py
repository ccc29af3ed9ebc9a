from django.db.models import QuerySet

from api.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """A person's API tokens (the tokens page): live, expired and revoked alike."""
    return ApiToken.objects.filter(user=user)
