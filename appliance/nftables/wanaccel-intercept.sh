#!/usr/bin/env bash
# Installs, removes or shows the nftables rules that redirect TCP flows to a WanAccel appliance's transparent rule.
# The appliance reads each redirected connection's original destination with SO_ORIGINAL_DST and marks its own
# outbound sockets with SO_MARK so these rules leave them alone. See README.md beside this file.
set -euo pipefail
shopt -s inherit_errexit # a die() inside $(...) ends the script, not just the subshell

readonly FAMILY=inet
readonly TABLE=wanaccel
readonly SELF=wanaccel-intercept

usage() {
  cat <<'EOF'
Usage:
  wanaccel-intercept.sh install --redirect-port PORT --ports P[,P...] --cidrs CIDR[,CIDR...]
                                [--mark MARK] [--exclude-port P[,P...]]... [--local]
  wanaccel-intercept.sh print   (same options as install; writes the ruleset to stdout, changes nothing)
  wanaccel-intercept.sh remove
  wanaccel-intercept.sh show

  --redirect-port  local port of the appliance's Transparent rule (its "Listen"; use [::]:PORT for IPv6 too)
  --ports          TCP destination ports to intercept, e.g. 445,2049,873,80
  --cidrs          destination networks to intercept, IPv4 and/or IPv6, e.g. 10.0.0.0/8,fd00::/8
  --mark           the appliance's Outbound.SocketMark; packets carrying it are never redirected (default 0x1)
  --exclude-port   TCP port left alone in both directions, e.g. the peer link's 7443 (repeatable)
  --local          also redirect connections made on this host (nat output); otherwise only routed traffic

install is idempotent: it replaces table inet wanaccel in one nft transaction. Needs root (CAP_NET_ADMIN).
EOF
}

die() {
  echo "$SELF: $*" >&2
  exit 2
}

# --- argument validation ------------------------------------------------------------------------------------------

port_number() { # $1 = option name, $2 = text; prints the port without leading zeros
  if ! [[ $2 =~ ^[0-9]{1,5}$ ]] || (( 10#$2 < 1 || 10#$2 > 65535 )); then
    die "$1: '$2' is not a TCP port (1-65535)"
  fi
  echo $(( 10#$2 ))
}

port_list() { # $1 = option name, $2 = comma-separated ports; prints them sorted, unique, comma-separated
  [[ -n $2 ]] || die "$1: needs at least one port"
  local p n out=()
  IFS=, read -r -a parts <<< "$2"
  for p in "${parts[@]}"; do
    n=$(port_number "$1" "$p")
    out+=("$n")
  done
  printf '%s\n' "${out[@]}" | sort -n -u | paste -s -d, -
}

ipv4_cidr() { # $1 = text; true when it is a.b.c.d or a.b.c.d/n with the host bits clear
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(/([0-9]{1,2}))?$ ]] || return 1
  local i value=0 prefix=${BASH_REMATCH[6]:-32}
  for i in 1 2 3 4; do
    (( 10#${BASH_REMATCH[i]} <= 255 )) || return 1
    value=$(( (value << 8) | 10#${BASH_REMATCH[i]} ))
  done
  (( 10#$prefix <= 32 )) || return 1
  # nft refuses a prefix with host bits set ("10.1.2.3/8"); say so here, with the option's name.
  (( (value & ((1 << (32 - 10#$prefix)) - 1)) == 0 ))
}

ipv6_cidr() { # $1 = text; a loose check (hex groups, '::', optional /n <= 128); nft checks the rest (and masks host bits)
  [[ $1 =~ ^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/([0-9]{1,3}))?$ ]] || return 1
  local prefix=${BASH_REMATCH[2]:-128}
  (( 10#$prefix <= 128 ))
}

mark_value() { # $1 = text (decimal or 0x hex, 1..0xffffffff); prints it as 0x hex
  local value
  if [[ $1 =~ ^0[xX][0-9A-Fa-f]{1,8}$ ]]; then
    value=$(( $1 ))
  elif [[ $1 =~ ^[0-9]{1,10}$ ]]; then
    value=$(( 10#$1 ))
  else
    die "--mark: '$1' is not a number (e.g. 0x1 or 1)"
  fi
  (( value >= 1 && value <= 0xffffffff )) || die "--mark: '$1' must be between 0x1 and 0xffffffff (0 would match every unmarked packet)"
  printf '0x%x\n' "$value"
}

# --- options ------------------------------------------------------------------------------------------------------

REDIRECT_PORT=""
PORTS=""
CIDRS4=()
CIDRS6=()
MARK=0x1
EXCLUDE=""
LOCAL=0

parse_options() {
  local cidrs="" excludes=() errors=0 c
  while (( $# > 0 )); do
    case $1 in
      --redirect-port|--ports|--cidrs|--mark|--exclude-port)
        (( $# >= 2 )) || die "$1 needs a value"
        case $1 in
          --redirect-port) REDIRECT_PORT=$(port_number "$1" "$2") ;;
          --ports) PORTS=$(port_list "$1" "$2") ;;
          --cidrs) cidrs=$2 ;;
          --mark) MARK=$(mark_value "$2") ;;
          --exclude-port) excludes+=("$2") ;;
        esac
        shift 2
        ;;
      --local) LOCAL=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done

  [[ -n $REDIRECT_PORT ]] || { echo "$SELF: --redirect-port is required" >&2; errors=1; }
  [[ -n $PORTS ]] || { echo "$SELF: --ports is required" >&2; errors=1; }
  [[ -n $cidrs ]] || { echo "$SELF: --cidrs is required (0.0.0.0/0,::/0 to intercept every destination)" >&2; errors=1; }
  (( errors == 0 )) || exit 2

  IFS=, read -r -a parts <<< "$cidrs"
  for c in "${parts[@]}"; do
    if ipv4_cidr "$c"; then
      CIDRS4+=("$c")
    elif ipv6_cidr "$c"; then
      CIDRS6+=("${c,,}")
    else
      die "--cidrs: '$c' is not an IPv4 or IPv6 network (a.b.c.d/n with no host bits, or x:y::/n)"
    fi
  done

  if (( ${#excludes[@]} > 0 )); then
    EXCLUDE=$(port_list --exclude-port "$(IFS=,; echo "${excludes[*]}")")
    [[ ,$EXCLUDE, != *",$REDIRECT_PORT,"* ]] || die "--exclude-port: $REDIRECT_PORT is the redirect port"
  fi
}

# --- the ruleset --------------------------------------------------------------------------------------------------

join() { local IFS=$1; shift; echo "$*"; }

render() { # the ruleset for the parsed options, on stdout
  local ports=${PORTS//,/, } exclude=${EXCLUDE//,/, }
  cat <<EOF
#!/usr/sbin/nft -f
# WanAccel transparent interception. Generated by appliance/nftables/wanaccel-intercept.sh:
#   wanaccel-intercept.sh print $(describe_options)
# Edit the script's options rather than this ruleset. Loading it replaces table $FAMILY $TABLE in one transaction.

table $FAMILY $TABLE
delete table $FAMILY $TABLE

table $FAMILY $TABLE {
	# TCP destination ports whose flows are carried through the appliance pair.
	set ports {
		type inet_service
		elements = { $ports }
	}

	# Destination networks (the far side's servers) whose flows are intercepted; add more at run time with
	# nft add element $FAMILY $TABLE cidrs4 { 192.0.2.0/24 }
	set cidrs4 {
		type ipv4_addr
		flags interval
		auto-merge
EOF
  (( ${#CIDRS4[@]} == 0 )) || printf '\t\telements = { %s }\n' "$(join , "${CIDRS4[@]}" | sed 's/,/, /g')"
  cat <<EOF
	}

	set cidrs6 {
		type ipv6_addr
		flags interval
		auto-merge
EOF
  (( ${#CIDRS6[@]} == 0 )) || printf '\t\telements = { %s }\n' "$(join , "${CIDRS6[@]}" | sed 's/,/, /g')"
  cat <<EOF
	}

	# What is left alone comes first: the appliance's own connections carry its SO_MARK (Outbound.SocketMark),
	# and the peer link must never be redirected into the appliance itself.
	chain intercept {
		meta mark $MARK counter return comment "appliance's own sockets (SO_MARK)"
EOF
  if [[ -n $EXCLUDE ]]; then
    printf '\t\ttcp dport { %s } counter return comment "excluded ports (peer link)"\n' "$exclude"
    printf '\t\ttcp sport { %s } counter return comment "excluded ports (peer link)"\n' "$exclude"
  fi
  cat <<EOF
		ip daddr @cidrs4 tcp dport @ports counter redirect to :$REDIRECT_PORT comment "IPv4 to the transparent rule"
		ip6 daddr @cidrs6 tcp dport @ports counter redirect to :$REDIRECT_PORT comment "IPv6 to the transparent rule"
	}

	# Connections routed through this host (the appliance sits in the clients' path).
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		meta l4proto tcp jump intercept
	}
EOF
  if (( LOCAL )); then
    cat <<EOF

	# Connections made on this host (clients on the appliance itself, or in its network namespace). Priority -100
	# is dstnat; nft 1.0.6 accepts that name only in prerouting.
	chain output {
		type nat hook output priority -100; policy accept;
		meta l4proto tcp jump intercept
	}
EOF
  fi
  echo "}"
}

describe_options() {
  local all=("${CIDRS4[@]}" "${CIDRS6[@]}")
  printf -- '--redirect-port %s --ports %s --cidrs %s --mark %s' "$REDIRECT_PORT" "$PORTS" "$(join , "${all[@]}")" "$MARK"
  [[ -z $EXCLUDE ]] || printf -- ' --exclude-port %s' "$EXCLUDE"
  (( ! LOCAL )) || printf -- ' --local'
}

# --- commands -----------------------------------------------------------------------------------------------------

need_nft() {
  command -v nft >/dev/null || die "nft not found (apt-get install nftables)"
}

installed() {
  nft list table "$FAMILY" "$TABLE" >/dev/null 2>&1
}

install_rules() {
  need_nft
  local was=new
  ! installed || was=replaced
  render | nft -f - || die "nft refused the ruleset; nothing was changed (see above)"
  local all=("${CIDRS4[@]}" "${CIDRS6[@]}")
  echo "$SELF: $was table $FAMILY $TABLE: TCP to ports $PORTS in $(join , "${all[@]}") redirected to local port $REDIRECT_PORT" \
    "($( (( LOCAL )) && echo "routed and local" || echo "routed only") traffic); left alone: mark $MARK${EXCLUDE:+, ports $EXCLUDE}"
  if (( ! LOCAL )) && [[ $(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo 1) == 0 ]]; then
    echo "$SELF: note: net.ipv4.ip_forward is 0, so this host routes no client traffic to intercept" \
      "(sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1, or --local for clients on this host)" >&2
  fi
}

remove_rules() {
  need_nft
  if installed; then
    nft delete table "$FAMILY" "$TABLE"
    echo "$SELF: removed table $FAMILY $TABLE"
  else
    echo "$SELF: table $FAMILY $TABLE is not installed; nothing to remove"
  fi
}

show_rules() {
  need_nft
  if installed; then
    nft list table "$FAMILY" "$TABLE"
  else
    echo "$SELF: table $FAMILY $TABLE is not installed"
  fi
}

main() {
  (( $# > 0 )) || { usage >&2; exit 2; }
  local command=$1
  shift
  case $command in
    install) parse_options "$@"; install_rules ;;
    print) parse_options "$@"; render ;;
    remove) (( $# == 0 )) || die "remove takes no options"; remove_rules ;;
    show) (( $# == 0 )) || die "show takes no options"; show_rules ;;
    -h|--help|help) usage ;;
    *) die "unknown command '$command' (install, print, remove, show)" ;;
  esac
}

main "$@"
