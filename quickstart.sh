#!/bin/sh
# quickstart.sh: the README's two commands.
#   ./quickstart.sh demo   install, build, and forward traffic through a
#                          throwaway sshd on loopback
#   ./quickstart.sh test   install, build with sanitizers, run every test
# Needs root (or sudo) for apt-get; everything else stays in this tree.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool pkg-config libssh-dev \
libpcre2-dev libssl-dev check openssh-server openssh-client socat curl iproute2 \
python3 procps man-db zsh"

install_deps() {
	missing=""
	for p in $PKGS; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "quickstart: installing$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

build() {
	builddir=$1
	shift
	[ -x configure ] || ./autogen.sh >/dev/null
	mkdir -p "$builddir"
	(cd "$builddir" && ../configure -q "$@" && make -j"$(nproc)" >/dev/null)
}

case "${1:-}" in
demo)
	install_deps
	build build
	exec sh tests/demo.sh build/sshfwd
	;;
test)
	install_deps
	build build-san --enable-sanitizers
	cd build-san
	make -j"$(nproc)" check || { cat test-suite.log; exit 1; }
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
