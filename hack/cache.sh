# Shared by the build scripts under hack/: the cache folder of built binaries, and how a binary
# enters it. Source it; it defines functions only.
#
# A cache folder ${NETOPS_CACHE:-$HOME/.cache/netops}/<name>/<version>/ holds nothing but binaries.
# A binary is built under a temporary name in that folder and renamed into place, so an interrupted
# run never leaves half a binary behind; concurrent builds of one version are serialised with flock
# on a lock file beside the folder.

# cache_dir NAME VERSION: the folder of NAME's binaries at VERSION.
cache_dir() {
	printf '%s/%s/%s\n' "${NETOPS_CACHE:-${HOME:?set HOME or NETOPS_CACHE}/.cache/netops}" "$1" "$2"
}

# cached DIR BINARY: whether DIR holds a usable BINARY.
cached() { [[ -f $1/$2 && -x $1/$2 && -s $1/$2 ]]; }

# cache_lock DIR: create DIR and hold its lock until the script exits; remove what a killed run left.
cache_lock() {
	mkdir -p "$1"
	exec 9>"$(dirname "$1")/.$(basename "$1").lock"
	if ! flock -n 9; then
		echo "$(basename "$0"): waiting for another build into $1" >&2
		flock 9
	fi
	rm -f "$1"/.*.tmp.*
}

# cache_build DIR BINARY MODULE_DIR PACKAGE [GO BUILD FLAGS...]: build PACKAGE in MODULE_DIR into DIR/BINARY.
cache_build() {
	local dir=$1 bin=$2 moddir=$3 pkg=$4 start=$SECONDS
	shift 4
	if cached "$dir" "$bin"; then
		echo "$(basename "$0"): $dir/$bin is cached" >&2
		return 0
	fi
	echo "$(basename "$0"): building $bin from $pkg ..." >&2
	(cd "$moddir" && GOWORK=off go build -trimpath "$@" -o "$dir/.$bin.tmp.$$" "$pkg") >&2
	mv -f "$dir/.$bin.tmp.$$" "$dir/$bin"
	echo "$(basename "$0"): built $bin in $((SECONDS - start))s" >&2
}
