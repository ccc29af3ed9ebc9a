"""People. The roles they hold (`Membership`) and the offers of a role sent to them (`Invitation`)
belong to the tenancy, in `communes.models`; what each role may do lives in `communes.access`."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username
