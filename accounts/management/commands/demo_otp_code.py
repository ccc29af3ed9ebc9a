from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a demo login (province officer, admin): "
        "local use only, refused when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo codes are for local use only: refused when DEBUG is off.")
        device = TOTPDevice.objects.filter(
            user__username=username, name="demo", confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} is not a demo login with a second factor.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
