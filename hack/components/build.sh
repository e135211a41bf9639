#!/usr/bin/env bash
# Builds the real components that netops renders for, from the Go module proxy, and caches them by
# version, so that the tests run what a cluster would run.
#
# Usage: hack/components/build.sh COMPONENT
#
#   controller=$(hack/components/build.sh metallb)/controller
#
# COMPONENT is one of the rows below. The binaries land in
#   ${NETOPS_CACHE:-$HOME/.cache/netops}/<component>/<version>/
# which holds nothing but the binaries (see hack/cache.sh). Each is built in a throwaway module that
# requires the component at its version, with the component's own replace lines where it has them.
# Build output goes to stderr; the only line on stdout is the folder.
set -euo pipefail

# component  version  module                      cgo  tags                          binary=package ...
components='
metallb     v0.16.1  go.universe.tf/metallb       0    -                             controller=go.universe.tf/metallb/controller speaker=go.universe.tf/metallb/speaker
traefik     v3.6.2   github.com/traefik/traefik/v3 0   -                             traefik=github.com/traefik/traefik/v3/cmd/traefik
gitea       v1.26.0  code.gitea.io/gitea          1    sqlite,sqlite_unlock_notify   gitea=code.gitea.io/gitea
'

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

(($# == 1)) || { usage >&2; exit 2; }
[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
row=$(awk -v c="$1" '$1 == c' <<<"$components")
[[ -n $row ]] || { echo "build.sh: unknown component '$1'; known: $(awk 'NF {printf "%s ", $1}' <<<"$components")" >&2; exit 2; }
read -r name version module cgo tags bins <<<"$row"
read -r -a bins <<<"$bins"

source "$(dirname "${BASH_SOURCE[0]}")/../cache.sh"
dest=$(cache_dir "$name" "$version")
missing() {
	local b
	for b in "${bins[@]}"; do cached "$dest" "${b%%=*}" || return 0; done
	return 1
}
if ! missing; then
	printf '%s\n' "$dest"
	exit 0
fi

cache_lock "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -f "$dest"/.*.tmp.$$' EXIT

# The throwaway module: it requires the component and takes over the component's replace lines,
# which a dependency's go.mod cannot pass on.
(
	cd "$work"
	export GOWORK=off GOFLAGS=-mod=mod
	go mod init netops.local/build-"$name" >/dev/null 2>&1
	gomod=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
	awk '/^replace \(/ {r = 1; print; next} r && /^\)/ {r = 0; print; next} r || /^replace [^(]/ {print}' "$gomod" >>go.mod
	{
		echo "//go:build tools"
		echo "package tools"
		for b in "${bins[@]}"; do echo "import _ \"${b#*=}\""; done
	} >tools.go
	go get "$module@$version" >&2
	go mod tidy >&2
) >&2

export CGO_ENABLED=$cgo
for b in "${bins[@]}"; do
	flags=(-ldflags "-s -w")
	[[ $tags != - ]] && flags+=(-tags "$tags")
	cache_build "$dest" "${b%%=*}" "$work" "${b#*=}" "${flags[@]}"
done
printf '%s\n' "$dest"
