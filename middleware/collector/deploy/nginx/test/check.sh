#!/usr/bin/env bash
# Renders both templates, checks them with `nginx -t`, then runs each one on loopback in front
# of two stand-ins (recorder.py: a UCWA pool answering 200, a collector answering 204) and
# checks with curl where each request goes and what the phone gets. Everything runs in a
# temporary directory and is stopped at the end. Needs nginx, openssl, python3, curl, envsubst.
#
#   bash check.sh            all checks (about 80 s: one event-channel hold of 65 s)
#   QUICK=1 bash check.sh    without the event-channel hold
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TEMPLATES=$(dirname "$HERE")
TMP=$(mktemp -d)
chmod 755 "$TMP"
PIDS=()
FAILED=0

NGINX_PID=
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILED=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# last LOG EXPR: EXPR (Python, over the last recorded request `r`) is true.
last() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines() if __import__("os").path.exists(sys.argv[1]) else []
r = json.loads(lines[-1]) if lines else None
ok = r is not None and eval("(" + sys.argv[2] + ")")
if not ok:
    print("     last request:", r, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
count() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
# wait_lines LOG N: LOG has N lines or more, within 5 s (a mirror copy arrives in the background).
wait_lines() { for _ in $(seq 100); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ucwa.test \
    -addext subjectAltName=DNS:ucwa.test -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null

cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/error.log info;
events { worker_connections 256; }
http {
    access_log $TMP/access.log;
    client_body_temp_path $TMP/client_body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    include $TMP/mediadiag.conf;
}
EOF

# render MODE POOL_URL COLLECTOR_URL: the template as an operator renders it.
render() {
    LISTEN="127.0.0.1:$NGINX_PORT" SERVER_NAME=ucwa.test TLS_CERT="$TMP/cert.pem" TLS_KEY="$TMP/key.pem" \
        UCWA_POOL=$2 COLLECTOR=$3 \
        envsubst "$(printf '${%s} ' LISTEN SERVER_NAME TLS_CERT TLS_KEY UCWA_POOL COLLECTOR)" \
        <"$TEMPLATES/$1.conf.template" >"$TMP/mediadiag.conf"
}

no_placeholder() { ! grep -E '[$][{][A-Z_]+[}]' "$1"; }
variables() { grep -oE '[$][a-z_]+' "$1" | sort; }
same_variables() { diff <(variables "$1") <(variables "$2"); }

start_recorder() { # PORT LOG STATUS [tls]
    if [ "${4:-}" = tls ]; then
        python3 "$HERE/recorder.py" "$1" "$2" "$3" "$TMP/cert.pem" "$TMP/key.pem" &
    else
        python3 "$HERE/recorder.py" "$1" "$2" "$3" &
    fi
    PIDS+=($!)
    wait_port "$1"
}

# nginx in the foreground, as a child of this script, so that it can be waited for.
start_nginx() {
    nginx -t -q -p "$TMP" -c "$TMP/nginx.conf"
    nginx -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
    wait_port "$NGINX_PORT"
}

# Fast shutdown: a graceful one would wait for open mirror subrequests.
stop_nginx() {
    kill -TERM "$NGINX_PID"
    wait "$NGINX_PID" || true
    NGINX_PID=
}

NGINX_PORT=$(free_port)
BASE="https://ucwa.test:$NGINX_PORT"
RESOLVE=(--resolve "ucwa.test:$NGINX_PORT:127.0.0.1" -k -sS)
AUTH='Authorization: Bearer cwt=AbC+/9=='
DOC=/ucwa/v1/applications/app-1/communication/conversations/conv.1~_/audioVideo/reportMediaDiagnostics
DOC_OAUTH=/ucwa/oauth/v1/applications/10672188129/communication/conversations/b65b47e0-8178-47a8-8f48-8868245f1b1a/audioVideo/reportMediaDiagnostics
ONLINE='/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com'
REPORT='{"errorCode":"ServiceFailure","errorSubcode":"CallbackChannelError"}'

post() { # PATH [curl args...]: prints the status
    local path=$1; shift
    curl "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' -X POST -H "$AUTH" -H 'Content-Type: application/json' \
        --data-raw "$REPORT" "$@" "$BASE$path"
}
get() { local path=$1; shift; curl "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' -H "$AUTH" "$@" "$BASE$path"; }

for mode in route mirror; do
    render "$mode" http://127.0.0.1:1 http://127.0.0.1:2
    check "$mode: no placeholder left" no_placeholder "$TMP/mediadiag.conf"
    check "$mode: every nginx variable kept" same_variables "$TEMPLATES/$mode.conf.template" "$TMP/mediadiag.conf"
    check "$mode: nginx -t" nginx -t -q -p "$TMP" -c "$TMP/nginx.conf"
done

echo "== route (pool over https)"
POOL_PORT=$(free_port) COLLECTOR_PORT=$(free_port)
POOL_LOG=$TMP/route-pool.jsonl COLLECTOR_LOG=$TMP/route-collector.jsonl
start_recorder "$POOL_PORT" "$POOL_LOG" 200 tls
start_recorder "$COLLECTOR_PORT" "$COLLECTOR_LOG" 204
COLLECTOR_PID=${PIDS[-1]}
render route "https://127.0.0.1:$POOL_PORT" "http://127.0.0.1:$COLLECTOR_PORT"
start_nginx

if [ -z "${QUICK:-}" ]; then
    # An event-channel P-GET held 65 s by the pool: past nginx's default 60 s read timeout.
    get '/ucwa/v1/applications/app-1/events?ack=1&hold=65' --http1.1 >"$TMP/hold.status" &
    HOLD=$!
fi

for form in "$DOC" "$DOC_OAUTH" "$ONLINE"; do
    for http in --http1.1 --http2; do
        status=$(post "$form" "$http")
        check "route: POST ${form:0:60}... ($http) gets the collector's 204" [ "$status" = 204 ]
        check "route: the collector got it unchanged" last "$COLLECTOR_LOG" "
            r['method'] == 'POST' and r['path'] == '''$form''' and r['body'] == '''$REPORT'''
            and r['headers']['authorization'] == 'Bearer cwt=AbC+/9=='
            and r['headers']['content-type'] == 'application/json'
            and r['headers']['host'] == 'ucwa.test:$NGINX_PORT'
            and r['headers']['x-forwarded-for'] == '127.0.0.1' and r['headers']['x-forwarded-proto'] == 'https'"
    done
done
check "route: the pool got no report" bash -c '! grep -qs "Diagnostics" "$1"' - "$POOL_LOG"

status=$(get "$DOC?x=1")
check "route: GET on the resource goes to the collector too (it answers 405 itself)" \
    bash -c "[ $status = 204 ] && python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(r[\"method\"] != \"GET\")' '$COLLECTOR_LOG'"

OTHER='/ucwa/v1/applications/app-1/people/contacts?fields=name&x=%41%2F'
for http in --http1.1 --http2; do
    status=$(get "$OTHER" "$http" -H 'Accept: application/json')
    check "route: GET another UCWA path ($http) gets the pool's 200" [ "$status" = 200 ]
    check "route: the pool got it unchanged" last "$POOL_LOG" "
        r['method'] == 'GET' and r['path'] == '''$OTHER''' and r['headers']['authorization'] == 'Bearer cwt=AbC+/9=='
        and r['headers']['host'] == 'ucwa.test:$NGINX_PORT' and r['headers']['accept'] == 'application/json'"
done
status=$(curl "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' -X PUT -H "$AUTH" -H 'Content-Type: application/xml' \
    --data-raw '<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"/>' "$BASE/ucwa/v1/applications/app-1/me/note")
check "route: PUT with a body to the pool, unchanged" bash -c "[ $status = 200 ] && python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(not (r[\"method\"] == \"PUT\" and r[\"body\"].startswith(\"<input\") and r[\"headers\"][\"content-type\"] == \"application/xml\"))' '$POOL_LOG'"

before=$(count "$COLLECTOR_LOG")
for near in "$DOC/" "${DOC/reportMediaDiagnostics/reportmediadiagnostics}" "${DOC/app-1/$(printf 'a%.0s' $(seq 65))}" \
    "${DOC/\/ucwa\/v1/\/ucwa\/v2}" "${DOC/applications\//applications\/\/}" "${DOC/conv.1~_/conv%2F1}" \
    /ucwa/v1/applications/app-1/communication/callMediaDiagnostics/x; do
    status=$(post "$near")
    check "route: ${near:0:70}... is not the resource: the pool's 200" [ "$status" = 200 ]
done
check "route: the collector got none of them" [ "$(count "$COLLECTOR_LOG")" = "$before" ]

kill "$COLLECTOR_PID"
wait "$COLLECTOR_PID" 2>/dev/null || true
status=$(post "$DOC")
check "route: collector down: the phone gets 502, not 204" [ "$status" = 502 ]

if [ -n "${HOLD:-}" ]; then
    wait "$HOLD"
    check "route: a P-GET held 65 s by the pool still gets its 200" [ "$(cat "$TMP/hold.status")" = 200 ]
fi
stop_nginx

echo "== mirror (pool over http)"
POOL_PORT=$(free_port) COLLECTOR_PORT=$(free_port)
POOL_LOG=$TMP/mirror-pool.jsonl COLLECTOR_LOG=$TMP/mirror-collector.jsonl
start_recorder "$POOL_PORT" "$POOL_LOG" 200
start_recorder "$COLLECTOR_PORT" "$COLLECTOR_LOG" 204
COLLECTOR_PID=${PIDS[-1]}
render mirror "http://127.0.0.1:$POOL_PORT" "http://127.0.0.1:$COLLECTOR_PORT"
start_nginx

n=0
for form in "$DOC" "$DOC_OAUTH" "$ONLINE"; do
    for http in --http1.1 --http2; do
        status=$(post "$form" "$http")
        n=$((n + 1))
        check "mirror: POST ${form:0:60}... ($http) gets the pool's 200" [ "$status" = 200 ]
        check "mirror: the copy arrived" wait_lines "$COLLECTOR_LOG" "$n"
        for log in "$POOL_LOG" "$COLLECTOR_LOG"; do
            check "mirror: $(basename "$log" .jsonl) got it unchanged" last "$log" "
                r['method'] == 'POST' and r['path'] == '''$form''' and r['body'] == '''$REPORT'''
                and r['headers']['authorization'] == 'Bearer cwt=AbC+/9=='
                and r['headers']['content-type'] == 'application/json'
                and r['headers']['host'] == 'ucwa.test:$NGINX_PORT'
                and r['headers']['x-forwarded-proto'] == 'https'"
        done
    done
done

# A GET on the resource, a GET elsewhere and a report, on one connection: nginx takes each
# request only once the previous one's copy (if any) has ended, so when the report's copy has
# arrived, a copy of either GET would have too.
codes=$(curl "${RESOLVE[@]}" --http1.1 -o /dev/null -w '%{http_code}/%{num_connects} ' -H "$AUTH" "$BASE$DOC" \
    --next "${RESOLVE[@]}" --http1.1 -o /dev/null -w '%{http_code}/%{num_connects} ' -H "$AUTH" "$BASE$OTHER" \
    --next "${RESOLVE[@]}" --http1.1 -o /dev/null -w '%{http_code}/%{num_connects}' -X POST -H "$AUTH" \
    -H 'Content-Type: application/json' --data-raw "$REPORT" "$BASE$DOC")
check "mirror: GET, GET, POST on one connection get the pool's 200s ($codes)" [ "$codes" = "200/1 200/0 200/0" ]
check "mirror: the report's copy arrived" wait_lines "$COLLECTOR_LOG" $((n + 1))
check "mirror: one copy per report, none of a GET" last "$COLLECTOR_LOG" "r['method'] == 'POST'"
check "mirror: exactly $((n + 1)) copies" [ "$(count "$COLLECTOR_LOG")" = $((n + 1)) ]
check "mirror: the pool got the three unchanged" python3 -c "
import json, sys
r = [json.loads(l) for l in open('$POOL_LOG')][-3:]
sys.exit(not ([(x['method'], x['path']) for x in r] == [('GET', '''$DOC'''), ('GET', '''$OTHER'''), ('POST', '''$DOC''')]))"
status=$(get /_mediadiag_collector)
check "mirror: the internal location is not reachable from outside (404)" [ "$status" = 404 ]

kill "$COLLECTOR_PID"
wait "$COLLECTOR_PID" 2>/dev/null || true
time=$(curl "${RESOLVE[@]}" -o /dev/null -w '%{http_code} %{time_total}' -X POST -H "$AUTH" \
    -H 'Content-Type: application/json' --data-raw "$REPORT" "$BASE$DOC")
check "mirror: collector down: the phone still gets the pool's 200 at once ($time)" \
    bash -c "[ '${time% *}' = 200 ] && python3 -c 'import sys; sys.exit(float(sys.argv[1]) > 0.5)' '${time#* }'"

# A collector that accepts connections and never answers: the phone's answer is not delayed;
# its next request on the same connection waits for the copy's read timeout (nginx's caveat).
python3 -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', $COLLECTOR_PORT)); s.listen(64); time.sleep(60)" &
PIDS+=($!)
wait_port "$COLLECTOR_PORT"
times=$(curl "${RESOLVE[@]}" --http1.1 -o /dev/null -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H "$AUTH" \
    -H 'Content-Type: application/json' --data-raw "$REPORT" "$BASE$DOC" "$BASE$DOC")
echo "     two reports on one connection, collector silent: $(echo $times)"
check "mirror: collector silent: first answer at once, both 200, the second bounded by the copy's timeouts" \
    python3 -c "
import sys
lines = [l.split() for l in '''$times'''.strip().splitlines()]
sys.exit(not (all(code == '200' for code, _ in lines) and float(lines[0][1]) < 0.5 and float(lines[1][1]) < 10))"
stop_nginx

echo "== both, through upstream blocks with keepalive"
POOL_PORT=$(free_port) COLLECTOR_PORT=$(free_port)
POOL_LOG=$TMP/upstream-pool.jsonl COLLECTOR_LOG=$TMP/upstream-collector.jsonl
start_recorder "$POOL_PORT" "$POOL_LOG" 200 tls
start_recorder "$COLLECTOR_PORT" "$COLLECTOR_LOG" 204
cat >"$TMP/upstreams.conf" <<EOF
upstream ucwa_pool { server 127.0.0.1:$POOL_PORT; keepalive 16; }
upstream mediadiag_collector { server 127.0.0.1:$COLLECTOR_PORT; keepalive 16; }
EOF
sed -i "s#include $TMP/mediadiag.conf;#include $TMP/upstreams.conf; include $TMP/mediadiag.conf;#" "$TMP/nginx.conf"
# same_peer LOG: the last two requests came over one connection (the same peer port).
same_peer() {
    python3 -c 'import json, sys; r = [json.loads(l) for l in open(sys.argv[1])][-2:]; sys.exit(not (len(r) == 2 and r[0]["peer"] == r[1]["peer"]))' "$1"
}
for mode in route mirror; do
    render "$mode" https://ucwa_pool http://mediadiag_collector
    start_nginx
    a=$(get "$OTHER") b=$(get "$OTHER")
    check "$mode/upstream: two GETs get the pool's 200s" [ "$a$b" = 200200 ]
    check "$mode/upstream: over one kept-alive connection to the pool" same_peer "$POOL_LOG"
    a=$(post "$DOC") b=$(post "$ONLINE")
    wait_lines "$COLLECTOR_LOG" 2 || true
    check "$mode/upstream: two reports answered" [ "$a$b" = "$([ "$mode" = route ] && echo 204204 || echo 200200)" ]
    check "$mode/upstream: over one kept-alive connection to the collector" same_peer "$COLLECTOR_LOG"
    stop_nginx
done

[ "$FAILED" = 0 ] && echo "all checks passed" || { echo "some checks FAILED"; tail -n 20 "$TMP/error.log"; exit 1; }
