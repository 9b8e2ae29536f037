# Sourced by the test scripts: installing what a fresh Debian machine lacks, idempotently,
# and riding out a registry's passing hiccup (a CI run should not fail on one dropped fetch).

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# retry CMD...: up to three attempts, 5 s then 20 s apart.
retry() {
    local attempt
    for attempt in 1 2 3; do
        "$@" && return 0
        [ "$attempt" -lt 3 ] || break
        echo "retrying in $((attempt * attempt * 5)) s: $*" >&2
        sleep $((attempt * attempt * 5))
    done
    return 1
}

# apt_install PKG...: Debian packages, installed in one go.
apt_install() {
    echo "==> installing $*"
    retry as_root apt-get update -qq
    retry as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
