# Sourced by scripts/cluster and the TLS tests: throwaway certificates made with the openssl CLI
# (a CA, and certificates it signs), never committed. EC P-256 keys, unencrypted PKCS#8 PEM.
basalt_require_openssl() {
  command -v openssl >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "basalt: installing openssl" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  else
    echo "basalt: openssl is missing (install it, e.g. sudo apt-get install openssl)" >&2
    return 1
  fi
}

# basalt_make_ca DIR NAME: DIR/NAME.pem, a self-signed CA certificate, and its key DIR/NAME.key.
basalt_make_ca() {
  local dir=$1 name=$2
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$name" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/$name.key" -out "$dir/$name.pem" 2>/dev/null
}

# basalt_make_certificate DIR CA NAME SAN: DIR/NAME.pem and DIR/NAME.key, signed by DIR/CA.pem, for
# the subject alternative names SAN (e.g. IP:127.0.0.1,DNS:localhost); usable by servers and clients.
basalt_make_certificate() {
  local dir=$1 ca=$2 name=$3 san=$4
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$san" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.pem" -CAkey "$dir/$ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}
