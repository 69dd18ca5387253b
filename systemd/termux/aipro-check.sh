#!/data/data/com.termux/files/usr/bin/sh
# aipro credential check for Termux (Android), the counterpart of aipro-auth-check.timer:
# termux-job-scheduler (Termux:API) runs this script every 30 minutes; it runs
# `aipro monitor --once` (checks, textfile, alerts through the configured channels) and
# appends the result to ~/.aipro/monitor/termux-check.log.
#
#   install:  cp aipro-check.sh ~/.termux/aipro-check.sh && chmod 700 ~/.termux/aipro-check.sh
#             ~/.termux/aipro-check.sh schedule     # every 30 min, survives reboots
#   run now:  ~/.termux/aipro-check.sh               # exit code = aipro models status --check
#   status:   ~/.termux/aipro-check.sh status
#   remove:   ~/.termux/aipro-check.sh cancel
#
# Environment: AIPRO_TERMUX_JOB_ID (default 4217), AIPRO_TERMUX_PERIOD_MS (default 1800000;
# Android runs periodic jobs at most every 15 minutes and may defer them in Doze),
# AIPRO_STATE_DIR (default ~/.aipro). Secrets stay in ~/.aipro/.env, which aipro reads itself.
set -u

JOB_ID="${AIPRO_TERMUX_JOB_ID:-4217}"
PERIOD_MS="${AIPRO_TERMUX_PERIOD_MS:-1800000}"
PREFIX="${PREFIX:-/data/data/com.termux/files/usr}"
# Jobs start with a bare environment: find node and aipro where pkg and npm -g put them.
PATH="$PREFIX/bin:${PATH:-/usr/bin:/bin}"
export PATH
STATE_DIR="${AIPRO_STATE_DIR:-$HOME/.aipro}"
LOG="$STATE_DIR/monitor/termux-check.log"

case "${1:-run}" in
  run) ;;
  schedule)
    # --battery-not-low false: an expiring credential matters more than a low battery.
    exec termux-job-scheduler --job-id "$JOB_ID" --period-ms "$PERIOD_MS" --persisted true \
      --network any --battery-not-low false --script "$(realpath "$0")" ;;
  cancel) exec termux-job-scheduler --cancel --job-id "$JOB_ID" ;;
  status) exec termux-job-scheduler --pending ;;
  *)
    echo "usage: $0 [run|schedule|cancel|status]" >&2
    exit 64 ;;
esac

if ! command -v aipro >/dev/null 2>&1; then
  echo "aipro-check: aipro is not on PATH ($PATH); install it: pkg install nodejs-lts && npm install -g aipro" >&2
  exit 1
fi

umask 077
mkdir -p "$STATE_DIR/monitor"
# Keep the log bounded: past 2000 lines, keep the last 1000.
if [ -f "$LOG" ] && [ "$(wc -l <"$LOG")" -gt 2000 ]; then
  tail -n 1000 "$LOG" >"$LOG.tmp" && mv "$LOG.tmp" "$LOG"
fi

# Hold a wake lock so Android does not suspend mid-probe (Termux:API; optional).
locked=0
if command -v termux-wake-lock >/dev/null 2>&1; then termux-wake-lock && locked=1; fi

echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) aipro monitor --once" >>"$LOG"
aipro monitor --once >>"$LOG" 2>&1
code=$?
echo "=== exit $code" >>"$LOG"

if [ "$locked" = 1 ]; then termux-wake-unlock; fi
exit "$code"
