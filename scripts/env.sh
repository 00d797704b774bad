# Sourced by the project's scripts: puts the Swift toolchain on PATH (login shells have it,
# scripts and CI may not) and installs the system packages the build needs when missing.
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

# Installs each Debian package given that is not installed yet.
crm_install_missing() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# What the build and the tests need.
crm_require_packages() {
    crm_install_missing libsqlite3-dev libcurl4-openssl-dev sqlite3 sqlite3-tools openssl postgresql postgresql-client
}

# The fault suite's tools: iptables (loss, resets, partitions), faketime (clock skew),
# strace (I/O error injection), curl, iproute2 (namespaces, tc).
crm_require_fault_packages() {
    crm_install_missing iptables faketime strace curl iproute2
}
