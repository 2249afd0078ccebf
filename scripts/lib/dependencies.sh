# Sourced by the scripts: installs what Basalt needs on a fresh machine, or says what is missing.
basalt_require_dependencies() {
  local missing=()
  [ -f /usr/include/lz4.h ] || missing+=(liblz4-dev)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "basalt: installing ${missing[*]}" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "basalt: missing packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
      return 1
    fi
  fi
  if ! command -v swift >/dev/null 2>&1; then
    echo "basalt: swift is not on PATH (Swift 6.1 or newer is needed)" >&2
    return 1
  fi
}
