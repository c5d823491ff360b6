# Shared by the Tools/ commands: installs what Orientir needs when it is missing. Sourced, not run.

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root to run: $*" >&2; return 1
    fi
}

# Debian packages: liblz4 (the log's compression) and pkg-config (how SwiftPM finds it).
ensure_system_packages() {
    local missing=()
    for pkg in liblz4-dev pkg-config "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]} (apt-get)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# Python modules for the developer tools (the schema check): installed with pip when missing.
ensure_python_modules() {
    for module in "$@"; do
        python3 -c "import $module" 2>/dev/null || { say "installing Python $module (pip)"; python3 -m pip install -q "$module"; }
    done
}

ensure_swift() {
    command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH; }
    command -v swift >/dev/null || { echo "Swift 6 toolchain not found (expected on PATH or in /opt/swift)" >&2; exit 1; }
}
