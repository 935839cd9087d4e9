#!/bin/bash
# A one-node Slurm cluster for the tests: munged, slurmctld and slurmd as root, state,
# spool and logs in one folder (default .tmp/slurm-cluster), no cgroups, no accounting.
#   test/slurm/cluster.sh start   writes slurm.conf, starts the daemons, waits for the node
#   test/slurm/cluster.sh stop    stops them by PID
#   test/slurm/cluster.sh env     prints the SLURM_CONF line the clients need
# Needs Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge).
set -euo pipefail
DIR=${SLURM_TEST_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.tmp/slurm-cluster}
CONF=$DIR/slurm.conf
CPUS=${SLURM_TEST_CPUS:-$(nproc)}
MEM_MB=${SLURM_TEST_MEM_MB:-8000}

stop_pid() {
  local file=$DIR/$1.pid
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$file"
}

case "${1:-}" in
start)
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y slurm-wlm munge" >&2; exit 1; }
  done
  "$0" stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"/{state,spool,log,munge}
  chmod 700 "$DIR/munge"
  [ -f "$DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$DIR/munge/munge.key"; }
  SOCKET=$DIR/munge/munge.socket
  munged --force -S "$SOCKET" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/seed"
  cat > "$CONF" <<CONF
ClusterName=scalenet-test
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=${SLURM_TEST_PORT:-6917}
SlurmdPort=$(( ${SLURM_TEST_PORT:-6917} + 1 ))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes; tasks get 5 s between SIGTERM
# and SIGKILL; time limits are enforced without grace.
MinJobAge=600
KillWait=5
OverTimeLimit=0
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$CONF
  # The daemons run in the foreground (-D) in the background of this shell, detached
  # from it (setsid) so that they outlive it; their PIDs go to files for stop.
  setsid slurmctld -D -f "$CONF" > "$DIR/log/slurmctld.out" 2>&1 < /dev/null &
  echo $! > "$DIR/slurmctld.pid"
  setsid slurmd -D -f "$CONF" > "$DIR/log/slurmd.out" 2>&1 < /dev/null &
  echo $! > "$DIR/slurmd.pid"
  for _ in $(seq 60); do
    state=$(sinfo --noheader --format=%T 2>/dev/null | head -1 || true)
    if [ "$state" = idle ]; then echo "SLURM_CONF=$CONF"; exit 0; fi
    sleep 0.5
  done
  echo "The node did not come up idle (state: ${state:-none}); logs in $DIR/log" >&2
  tail -20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
  exit 1
  ;;
stop)
  stop_pid slurmd
  stop_pid slurmctld
  stop_pid munged
  ;;
env)
  echo "SLURM_CONF=$CONF"
  ;;
*)
  echo "usage: $0 start|stop|env" >&2
  exit 2
  ;;
esac
