"""Throwaway certificates for the TLS tests, made at test time by scripts/lib/certificates.sh (the
openssl CLI), the same functions `scripts/cluster start --tls` uses."""
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIBRARY = os.path.join(ROOT, "scripts", "lib", "certificates.sh")


def make_certificates(directory, authorities):
    """authorities: {ca_name: {certificate_name: subject_alt_names}}. Files land in directory as
    NAME.pem and NAME.key."""
    script = ["set -e", "source '%s'" % LIBRARY, "basalt_require_openssl"]
    for ca, certificates in sorted(authorities.items()):
        script.append("basalt_make_ca '%s' '%s'" % (directory, ca))
        for name, san in sorted(certificates.items()):
            script.append("basalt_make_certificate '%s' '%s' '%s' '%s'" % (directory, ca, name, san))
    subprocess.run(["bash", "-c", "; ".join(script)], check=True)
    return directory


def encryption_section(section, directory, name, ca="ca", **settings):
    """A YAML encryption section with NAME's certificate and key and CA's certificate as truststore."""
    lines = ["%s:" % section,
             "  keystore: %s" % os.path.join(directory, name + ".pem"),
             "  private_key: %s" % os.path.join(directory, name + ".key"),
             "  truststore: %s" % os.path.join(directory, ca + ".pem")]
    for key, value in settings.items():
        lines.append("  %s: %s" % (key, str(value).lower() if isinstance(value, bool) else value))
    return "\n".join(lines) + "\n"
