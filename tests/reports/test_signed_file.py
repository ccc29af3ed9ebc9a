"""A report PDF signed in its empty field and uploaded back: the report's official file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from asn1crypto import keys, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reporting.services import period_ensure
from reports.models import Report, ReportFormat, ReportKind, ReportStatus
from reports.pdf import SIGNATURE_FIELD, pdf_render
from reports.services import pdf_signatures

pytestmark = pytest.mark.django_db

PAGE = """<html><body><p>Báo cáo</p><div style="margin-left:50%">
<div>CHỦ TỊCH</div><div id="signature-area" style="height:28mm"></div>
<div id="signature-name">Nguyễn Văn A</div></div></body></html>"""


def _signer(name: str) -> signers.SimpleSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return signers.SimpleSigner(
        signing_cert=x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore(),
    )


def signed(pdf: bytes, name: str = "Nguyễn Văn A") -> bytes:
    """The PDF signed in the portal's signature field, as a signing tool does (a test key)."""
    output = BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)),
        signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD),
        signer=_signer(name),
        output=output,
    )
    return output.getvalue()


@pytest.fixture(scope="module")
def pdfs():
    generated = pdf_render(PAGE)
    return generated, signed(generated)


@pytest.fixture
def report(seeds):
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    report = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=commune.province,
        commune=commune,
        period=period,
        period_code=period.code,
        format=ReportFormat.PDF,
        status=ReportStatus.DONE,
    )
    report.file.save(report.filename, ContentFile(b"%PDF-1.7 generated"), save=True)
    return report


def test_signed_in_its_own_field(pdfs):
    generated, signed = pdfs
    assert pdf_signatures(generated) == []
    (signer,) = pdf_signatures(signed)
    assert "Nguyễn Văn A" in signer


def _upload(client, report, content: bytes, name="bao-cao-da-ky.pdf"):
    url = reverse("reports:commune_signed", args=[report.commune.code, report.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_signed_pdf_becomes_the_official_file_beside_the_generated_one(
    client, people, report, pdfs
):
    client.force_login(people["standing_office"])
    response = _upload(client, report, pdfs[1])
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.signature_count == 1 and "Nguyễn Văn A" in report.signers
    assert report.file.read() == b"%PDF-1.7 generated"  # the generated file stays
    page = client.get(reverse("reports:commune_file", args=[report.commune.code, report.pk]))
    body = page.content.decode()
    assert 'data-testid="signed-file"' in body and "Nguyễn Văn A" in body
    download = client.get(
        reverse("reports:commune_signed_download", args=[report.commune.code, report.pk])
    )
    assert b"".join(download.streaming_content) == pdfs[1]
    assert "bao-cao-dien-quang-2025-da-ky.pdf" in download["Content-Disposition"]


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(client, people, report):
    client.force_login(people["standing_office"])
    response = _upload(client, report, b"PK\x03\x04 a Word file", name="bao-cao.docx")
    assert response.status_code == 400
    assert "Tệp không phải là PDF" in response.content.decode()
    report.refresh_from_db()
    assert not report.signed_file
    broken = _upload(client, report, b"%PDF-1.7 but nothing else")
    assert broken.status_code == 400 and not Report.objects.get(pk=report.pk).signed_file


def test_an_unsigned_pdf_is_kept_and_said_to_hold_no_signature(client, people, report, pdfs):
    client.force_login(people["standing_office"])
    response = _upload(client, report, pdfs[0])
    assert response.status_code == 302
    page = client.get(response.url)
    assert "không có chữ ký số" in page.content.decode()


def test_only_the_commune_managers_upload(client, people, report, pdfs):
    client.force_login(people["kinh_te"])
    assert _upload(client, report, pdfs[1]).status_code == 403
    client.force_login(people["other_commune_office"])
    assert _upload(client, report, pdfs[1]).status_code == 404
    assert not Report.objects.get(pk=report.pk).signed_file


def test_the_file_records_its_number_date_and_signer(seeds):
    from datetime import date

    from plans.models import SigningAuthority
    from reports.models import CommuneReportText
    from reports.services import report_render

    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    CommuneReportText.objects.create(
        commune=commune,
        period=period,
        document_number="7",
        issued_on=date(2025, 12, 5),
        summary="Kết quả năm 2025",
        signing_authority=SigningAuthority.ON_BEHALF,
        signer_title="CHỦ TỊCH",
        signer_name="Lê Văn B",
    )
    report = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=commune.province,
        commune=commune,
        period=period,
        period_code=period.code,
        format=ReportFormat.XLSX,
    )
    report = report_render(report_id=report.pk)
    assert report.status == ReportStatus.DONE
    assert (report.document_number, report.issued_on) == ("07/BC-UBND", date(2025, 12, 5))
    assert report.issued_by == "CHỦ TỊCH Lê Văn B"
