#!/bin/sh
# A PostgreSQL experiment in the guest (fsmodel replay --postgres): the server of Debian's
# postgresql-15, run as the unprivileged user "postgres" on the cluster the host made
# (/pg/cluster.tar), on the file system init.sh mounted over the dm device.  Reads the steps
# (one per line, the file given as $1) and prints one line per step on the console (with $2
# "before", the steps up to the power loss; "after", the steps after it, in the next boot):
#     P <run> <step> <op> <result>
# and the server's log lines about fsync, checkpoints and PANICs as "L <run> <line>".
# Steps:
#   conf KEY VALUE    a setting in postgresql.conf (before the first start)
#   start             start the postmaster, wait until it accepts connections: ok, or failed
#   sql STATEMENT     one statement in a new session (a new backend): its first output line
#   locate TABLE      the path of TABLE's file, kept for fail and tp (the server may be down)
#   evict             a new session reads the filler table into shared_buffers with
#                     pg_prewarm(..., 'buffer'): it evicts (writes) every dirty buffer
#   checkpoint        CHECKPOINT: ok, or the ERROR it returned
#   fail TABLE        the dm error target over exactly TABLE's sectors (FIEMAP) / heal
#   tp open TABLE     a third party (the probe, kept running) opens TABLE's file;
#   tp fsync, tp close  and calls fsync (its result) / closes it
#   sync, drop_caches sync(2); echo 3 > drop_caches
#   kill9             kill -9 the postmaster and wait until every server process is gone
#   log               the server log's new lines about fsync, checkpoints, PANIC and recovery
#   powerloss         the disk cut off (an all-error table) and the run ends: init.sh reboots
#                     the guest without sync, and the next boot runs the steps after this one
run=$(basename "$1")
D="$FSM_MNT/$run/data"
LOG="$FSM_MNT/$run/server.log"
PSQL="/usr/lib/postgresql/15/bin/psql -X -A -t -q -h /tmp -U postgres -d postgres"
export LC_ALL=C TZ=UTC
n=0
seen=0

say() { echo "P $run $n $1 $2"; }
one() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-160; }
sql() { $PSQL -c "$1" 2>&1 | sed 's/^psql:[^ ]* //' | one; }
path() { cat "$FSM_MNT/$run/$1.path"; }   # the table's file (locate): known with the server
                                          # down, and after a power loss (synced)
as_pg() { su -s /bin/sh postgres -c "$1"; }

start() {
    from=$(wc -l < "$LOG")
    as_pg "LC_ALL=C /usr/lib/postgresql/15/bin/postgres -D $D -k /tmp >> $LOG 2>&1 &"
    i=0
    while [ $i -lt 120 ]; do
        $PSQL -c 'select 1' >/dev/null 2>&1 && { say start ok; return; }
        pidof postgres >/dev/null || break
        # recovery that PANICs again and again (restart_after_crash): what it does, said once
        [ "$(tail -n +$((from + 1)) "$LOG" | grep -c PANIC)" -ge 3 ] &&
            { say start "PANIC at every recovery"; return; }
        sleep 1; i=$((i + 1))
    done
    say start failed
    tail -5 "$LOG" | sed "s/^/L $run /" | cut -c1-200
}

kill9() {
    kill -9 "$(head -1 "$D/postmaster.pid")"
    i=0
    while pidof postgres >/dev/null && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
    pidof postgres >/dev/null && say kill9 alive || say kill9 ok
}

log() {
    total=$(wc -l < "$LOG")
    tail -n $((total - seen)) "$LOG" |
        grep -E 'fsync|PANIC|checkpoint (starting|complete)|redo (starts|done)|ERROR|terminat' |
        sed "s/^/L $run /" | cut -c1-200
    seen=$total
}

tp() {
    case "$1" in
    open) [ -p /tmp/tp ] || { mkfifo /tmp/tp; /probe "$FSM_MNT" /dmctl tp < /tmp/tp > /tmp/tp.out & exec 3> /tmp/tp; }
          echo "open T $run/data/$(path "$2")" >&3 ;;
    fsync) echo "fsync T" >&3 ;;
    close) echo "close T" >&3 ;;
    esac
    i=0
    while [ "$(wc -l < /tmp/tp.out)" -lt "$3" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    say "tp-$1" "$(tail -1 /tmp/tp.out | cut -d' ' -f5)"
}

mkdir -p "$D"; chmod 1777 /tmp
if [ ! -f "$D/PG_VERSION" ]; then   # on disk before the run, as initdb leaves a cluster
    tar -xf /pg/cluster.tar -C "$D"; chown -R postgres:postgres "$D"; chmod 700 "$D"; sync
fi
touch "$LOG"; chown postgres:postgres "$LOG"
phase=${2:-all}
[ "$phase" = after ] && seen=$(wc -l < "$LOG")      # the first boot printed those
tps=0
while read -r op a b; do
    case "$op" in '#'*|'') continue ;; esac
    n=$((n + 1))
    if [ "$phase" = after ]; then [ "$op" = powerloss ] && phase=all; continue; fi
    case "$op" in
    conf) echo "$a = $b" >> "$D/postgresql.conf"; sync; say conf ok ;;
    start) start ;;
    sql) say sql "$(sql "$a $b")" ;;
    locate) sql "select pg_relation_filepath('$a')" > "$FSM_MNT/$run/$a.path"; sync
            say locate "$(path "$a")" ;;
    evict) say evict "$(sql "select pg_prewarm('filler', 'buffer')")" ;;
    checkpoint) r=$(sql checkpoint); say checkpoint "${r:-ok}" ;;
    fail) say fail "$(echo "fail $run/data/$(path "$a")" | /probe "$FSM_MNT" /dmctl x | cut -d' ' -f5)" ;;
    heal) /dmctl heal >/dev/null 2>&1 && say heal 0 || say heal EIO ;;
    tp) tps=$((tps + 1)); tp "$a" "$b" "$tps" ;;
    sync) sync; say sync 0 ;;
    drop_caches) echo 3 > /proc/sys/vm/drop_caches; say drop_caches 0 ;;
    kill9) kill9 ;;
    log) log ;;
    powerloss) log; /dmctl cut >/dev/null 2>&1 && say powerloss 0 || say powerloss EIO
               kill9 >/dev/null    # nothing more reaches the disk, nor is written after init.sh
               exit 0 ;;           # heals the table; the image is the next boot's
    *) say "$op" unknown ;;
    esac
done < "$1"
log
pidof postgres >/dev/null && kill9 >/dev/null
[ -p /tmp/tp ] && { exec 3>&-; rm -f /tmp/tp /tmp/tp.out; }
rm -rf "${FSM_MNT:?}/$run"      # the next run's cluster needs the room (320 MB a file system)
