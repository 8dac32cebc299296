#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The install step of action.yml: the release binary (checked against the
# release's SHA256SUMS) or a build of the action's own sources, into
# $RUNNER_TEMP/plangate/, which goes on $GITHUB_PATH.
#   PG_INSTALL        auto | release | build
#   PG_VERSION        a release tag (v0.1.0); else PG_ACTION_REF
#   PG_REPOSITORY     owner/name of the releases; else PG_ACTION_REPOSITORY
#   PG_SERVER_URL     https://github.com unless GitHub Enterprise says otherwise
set -eu

mode=${PG_INSTALL:-auto}
version=${PG_VERSION:-${PG_ACTION_REF:-}}
repository=${PG_REPOSITORY:-${PG_ACTION_REPOSITORY:-}}
server=${PG_SERVER_URL:-https://github.com}
dest="${RUNNER_TEMP:-/tmp}/plangate"
asset="plangate-linux-x86_64"

is_release_tag() {
    case $1 in v[0-9]*.[0-9]*.[0-9]*) return 0 ;; *) return 1 ;; esac
}

case $mode in
auto)
    if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] && is_release_tag "$version" && [ -n "$repository" ]; then
        mode=release
    else
        mode=build
    fi
    ;;
release | build) ;;
*)
    echo "::error title=plangate::install must be auto, release or build (got '$mode')"
    exit 2
    ;;
esac

mkdir -p "$dest"
if [ "$mode" = release ]; then
    if ! is_release_tag "$version" || [ -z "$repository" ]; then
        echo "::error title=plangate::install: release needs version (a tag such as v0.1.0) and repository"
        exit 2
    fi
    base="$server/$repository/releases/download/$version"
    echo "plangate: downloading $base/$asset"
    curl --fail --silent --show-error --location --retry 3 -o "$dest/$asset" "$base/$asset"
    curl --fail --silent --show-error --location --retry 3 -o "$dest/SHA256SUMS" "$base/SHA256SUMS"
    # Only the asset's own line: the release may list more files.
    (cd "$dest" && grep "  $asset\$" SHA256SUMS | sha256sum -c -)
    mv "$dest/$asset" "$dest/plangate"
    chmod 0755 "$dest/plangate"
else
    src=${GITHUB_ACTION_PATH:?the folder of the action}
    echo "plangate: building from $src"
    if [ "$(id -u)" = 0 ]; then
        sh "$src/scripts/deps.sh" install build
    else
        sudo sh "$src/scripts/deps.sh" install build
    fi
    make -C "$src" BUILD="$dest/build" "$dest/build/plangate"
    cp "$dest/build/plangate" "$dest/plangate"
fi

"$dest/plangate" --version
echo "$dest" >> "${GITHUB_PATH:-/dev/null}"
echo "path=$dest/plangate" >> "${GITHUB_OUTPUT:-/dev/null}"
