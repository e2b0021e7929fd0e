"""A test PKI made here (self-made CA and leaf certificates): no real trust service is reachable from tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test-PKI Ausländerbehörde"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@dataclass
class Zertifikat:
    schluessel: rsa.RSAPrivateKey
    zertifikat: x509.Certificate


def ca_erzeugen(cn: str = "Test-CA") -> Zertifikat:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jetzt = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(jetzt - dt.timedelta(days=1))
        .not_valid_after(jetzt + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Zertifikat(key, cert)


def blatt_erzeugen(
    ca: Zertifikat, cn: str, *, zeitstempel: bool = False, crl_url: str = "", ocsp_url: str = ""
) -> Zertifikat:
    """A leaf certificate; `zeitstempel`: one for a time-stamping authority (critical EKU timeStamping);
    `crl_url`/`ocsp_url`: where its CA publishes its CRL and answers OCSP (CRL distribution point, AIA)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jetzt = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca.zertifikat.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(jetzt - dt.timedelta(days=1))
        .not_valid_after(jetzt + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.schluessel.public_key()), critical=False)
    )
    if zeitstempel:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if crl_url:
        punkt = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([punkt]), critical=False)
    if ocsp_url:
        zugang = x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))
        builder = builder.add_extension(x509.AuthorityInformationAccess([zugang]), critical=False)
    return Zertifikat(key, builder.sign(ca.schluessel, hashes.SHA256()))


def pkcs12_schreiben(pfad: Path, z: Zertifikat, ca: Zertifikat, passwort: bytes) -> None:
    pfad.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"siegel", z.schluessel, z.zertifikat, [ca.zertifikat], serialization.BestAvailableEncryption(passwort)
        )
    )


def pem_schreiben(pfad: Path, z: Zertifikat) -> None:
    pfad.write_bytes(z.zertifikat.public_bytes(serialization.Encoding.PEM))


def asn1_zertifikat(z: Zertifikat):  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(z.zertifikat.public_bytes(serialization.Encoding.DER))


def asn1_schluessel(z: Zertifikat):  # type: ignore[no-untyped-def]
    from asn1crypto import keys

    return keys.PrivateKeyInfo.load(
        z.schluessel.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
