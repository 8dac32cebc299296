#!/bin/sh
# Make sure the build dependencies are present (README: set-up).
# Installs them with apt-get when run as root; otherwise prints the exact
# command to run and fails. Quiet when everything is already there.
set -u
need=""
pkg-config --exists jansson 2>/dev/null || need="$need libjansson-dev"
pkg-config --exists yaml-0.1 2>/dev/null || need="$need libyaml-dev"
pkg-config --exists criterion 2>/dev/null || need="$need libcriterion-dev"
command -v pkg-config >/dev/null 2>&1 || need="pkg-config$need"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
[ -z "$need" ] && exit 0
need=$(echo $need)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "plangate: installing build dependencies: $need" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q $need >&2; then
        apt-get update -q >&2 && apt-get install -y -q $need >&2 || {
            echo "plangate: could not install: $need" >&2; exit 1; }
    fi
    exit 0
fi
echo "plangate: missing build dependencies. Run:" >&2
echo "    sudo apt-get install -y $need" >&2
exit 1
