#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, etcd and, optionally,
# kubectl) from the Go module proxy and caches it by version.
#
# Usage: hack/testenv/build.sh [--with-kubectl]
#
#   export KUBEBUILDER_ASSETS="$(hack/testenv/build.sh)"
#
# The binaries land in
#   ${NETOPS_CACHE:-$HOME/.cache/netops}/testenv/<k8s version>-etcd<etcd version>/
# which holds nothing but files named kube-apiserver, etcd and kubectl.
# Binaries already there are not rebuilt; each new one is built under a
# temporary name in that folder and renamed into place, so an interrupted run
# never leaves a half-written binary behind. Concurrent runs are serialised
# with flock. Build output goes to stderr; the last (and only) line on stdout
# is the folder path.
#
# Versions come from the go.mod files beside this script:
#   go.mod       k8s.io/kubernetes            (kube-apiserver, kubectl)
#   etcd/go.mod  go.etcd.io/etcd/server/v3    (etcd)
# To bump Kubernetes, change the require line in go.mod and re-pin every
# staging module it lists at v0.0.0 to the matching v0.X.Y, e.g.
#   go mod download -json k8s.io/kubernetes@vX.Y.Z   # -> "GoMod": FILE
#   awk '$2=="v0.0.0" && $1 ~ /^k8s\.io\//{print $1}' FILE
# then run `go mod tidy` in this folder.
set -euo pipefail

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

with_kubectl=0
while (($#)); do
	case $1 in
	--with-kubectl) with_kubectl=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "build.sh: unknown argument: $1" >&2
		usage >&2
		exit 2
		;;
	esac
	shift
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# modversion MODULE GOMOD: the version GOMOD requires MODULE at.
modversion() {
	awk -v m="$1" '
		$1 == "require" { $1 = ""; $0 = $0 }
		$1 == m { print $2; exit }
	' "$2"
}

k8s_version=$(modversion k8s.io/kubernetes "$here/go.mod")
etcd_version=$(modversion go.etcd.io/etcd/server/v3 "$here/etcd/go.mod")
if [[ ! $k8s_version =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	echo "build.sh: cannot read the k8s.io/kubernetes version from $here/go.mod (got '$k8s_version')" >&2
	exit 1
fi
k8s_major=${BASH_REMATCH[1]}
k8s_minor=${BASH_REMATCH[2]}
if [[ ! $etcd_version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "build.sh: cannot read the go.etcd.io/etcd/server/v3 version from $here/etcd/go.mod (got '$etcd_version')" >&2
	exit 1
fi

source "$here/../cache.sh"
key="${k8s_version}-etcd${etcd_version#v}"
dest=$(cache_dir testenv "$key")

wanted=(kube-apiserver etcd)
((with_kubectl)) && wanted+=(kubectl)

missing() {
	local b
	for b in "${wanted[@]}"; do
		cached "$dest" "$b" || return 0
	done
	return 1
}

# Fast path: everything is cached; no lock, no go command.
if ! missing; then
	printf '%s\n' "$dest"
	exit 0
fi

command -v go >/dev/null || {
	echo "build.sh: go is not on PATH" >&2
	exit 1
}
cache_lock "$dest"
trap 'rm -f "$dest"/.*.tmp.$$' EXIT

k8s_ldflags="-s -w"
k8s_ldflags+=" -X k8s.io/component-base/version.gitVersion=$k8s_version"
k8s_ldflags+=" -X k8s.io/component-base/version.gitMajor=$k8s_major"
k8s_ldflags+=" -X k8s.io/component-base/version.gitMinor=$k8s_minor"

# Static binaries: no C toolchain needed, runnable on any linux box.
export CGO_ENABLED=0
build() { cache_build "$dest" "$1" "$2" "$4" -ldflags "$3"; }

build etcd "$here/etcd" "-s -w" go.etcd.io/etcd/server/v3
build kube-apiserver "$here" "$k8s_ldflags" k8s.io/kubernetes/cmd/kube-apiserver
if ((with_kubectl)); then
	build kubectl "$here" "$k8s_ldflags" k8s.io/kubernetes/cmd/kubectl
fi

printf '%s\n' "$dest"
