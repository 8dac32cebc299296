#!/bin/sh
# scripts/deps.sh — what plangate needs from the system, and the one step
# that installs it (README "Set-up"). Plain sh: it runs before make exists.
#
#   sh scripts/deps.sh check build|test|ci     say what is missing and exit 1;
#                                              never installs (make runs this
#                                              before it compiles)
#   sh scripts/deps.sh install [build|test|ci] install what is missing: with
#                                              apt-get as root, otherwise print
#                                              the exact command and exit 1
#                                              (`make deps` = install test)
#
#   build  a C11 compiler ($CC, default cc), make, pkg-config, jansson, libyaml
#   test   build + Criterion, shellcheck and cmark-gfm (only the test targets need them)
#   ci     test + valgrind, clang, and for make test-packaging: zsh,
#          dpkg-dev, debhelper and lintian (.ci/run)
#
# Quiet when nothing is missing. Each requirement is a check, the Debian
# package that satisfies it, and a name for other systems.
set -u
mode=${1:-install}
set_=${2:-test}
case $mode in check|install) ;; *) echo "usage: sh scripts/deps.sh check|install [build|test|ci]" >&2; exit 2 ;; esac
case $set_ in build|test|ci) ;; *) echo "usage: sh scripts/deps.sh check|install [build|test|ci]" >&2; exit 2 ;; esac

cc=${CC:-cc}
debs=""
names=""
need() { # need DEBIAN_PACKAGE "generic name"
    debs="$debs $1"
    names="$names${names:+, }$2"
}
have_pkg() { # have_pkg PKG_CONFIG_NAME (false when pkg-config itself is missing)
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1" 2>/dev/null
}

cc_word=${cc%% *}
if ! command -v "$cc_word" >/dev/null 2>&1; then
    case $cc_word in
    *clang*) need clang "a C11 compiler ($cc_word)" ;;
    *) need gcc "a C11 compiler ($cc_word: gcc or clang)" ;;
    esac
fi
command -v make >/dev/null 2>&1 || need make "GNU make"
command -v pkg-config >/dev/null 2>&1 || need pkg-config "pkg-config (or pkgconf)"
have_pkg jansson || need libjansson-dev "the jansson development files (pkg-config name jansson)"
have_pkg yaml-0.1 || need libyaml-dev "the libyaml development files (pkg-config name yaml-0.1)"
if [ "$set_" != build ]; then
    have_pkg criterion || need libcriterion-dev "the Criterion test framework, 2.4 (pkg-config name criterion)"
    command -v shellcheck >/dev/null 2>&1 || need shellcheck "shellcheck (the CI recipes' scripts are checked)"
    command -v cmark-gfm >/dev/null 2>&1 || need cmark-gfm "cmark-gfm (the Markdown report is rendered as GitHub renders it)"
fi
if [ "$set_" = ci ]; then
    command -v valgrind >/dev/null 2>&1 || need valgrind "valgrind"
    command -v clang >/dev/null 2>&1 || need clang "clang"
    command -v zsh >/dev/null 2>&1 || need zsh "zsh (the zsh completion is loaded)"
    command -v dpkg-buildpackage >/dev/null 2>&1 || need dpkg-dev "dpkg-dev (make deb)"
    command -v dh >/dev/null 2>&1 || need debhelper "debhelper 13 (make deb)"
    command -v lintian >/dev/null 2>&1 || need lintian "lintian (the Debian packages are checked)"
fi

[ -z "$debs" ] && exit 0
debs=$(echo $debs)

tell() {
    echo "plangate: missing for the $set_ targets: $names." >&2
    echo "  Debian/Ubuntu:  sudo apt-get install -y $debs   (or, as root: make deps)" >&2
    echo "  other systems:  install the packages that provide them with the system's package manager" >&2
}

if [ "$mode" = check ]; then
    tell
    exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "plangate: installing: $debs" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086 # one word per package
    if ! apt-get install -y -q $debs >&2; then
        apt-get update -q >&2 && apt-get install -y -q $debs >&2 || {
            echo "plangate: could not install: $debs" >&2
            exit 1
        }
    fi
    exit 0
fi
tell
exit 1
