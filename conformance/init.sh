#!/bin/busybox sh
# /init of the conformance initramfs: load the modules, then for each file system on the list
# (/fs.list: device, type, name, mount options, first sector, sectors, scenario or "*") map it
# through device-mapper, mount it and run its scenarios with the probe.  /mode says which run
# this is: "all" (scenarios without a power loss, each file system unmounted at the end),
# "before" (each power-loss scenario on a file system of its own, up to its power loss; then
# the guest is killed without sync) or "after" (the same images mounted again: the steps
# after the power loss).  Output: the serial console.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
export DM_DISABLE_UDEV=1 LD_LIBRARY_PATH=/lib
for m in $(cat /modules.order); do insmod "/lib/modules/$m" 2>/dev/null; done
mode=$(cat /mode)
echo "K $(uname -r)"
if [ "$mode" = before ]; then
    # nothing reaches the disk but what the scenario syncs: no periodic write-back, and the
    # journal's and the log's timers (commit=600 on ext4 and Btrfs, in fs.list) beyond the run
    echo 720000 > /proc/sys/fs/xfs/xfssyncd_centisecs 2>/dev/null
fi
i=0
while read -r dev fs name opts first sectors scenario; do
    i=$((i + 1))
    export FSM_DEV="$dev" FSM_FS="$fs" FSM_OPTS="$opts" FSM_FIRST="$first" \
        FSM_SECTORS="$sectors" FSM_DM="fsm$i" FSM_MNT="/mnt/$i"
    mkdir -p "$FSM_MNT"
    echo "0 $sectors linear $dev $first" | dmsetup create "$FSM_DM" ||
        { echo "X $name dmsetup"; continue; }
    mount -t "$fs" -o "$opts" "/dev/mapper/$FSM_DM" "$FSM_MNT" ||
        { echo "X $name mount: $(dmesg | tail -3 | tr "\n" " ")"; continue; }
    echo "F $name"
    for s in /scenarios/$scenario; do
        if [ "$(head -c 3 "$s")" = "#pg" ]; then    # a PostgreSQL experiment (pg.sh)
            sh /pg.sh "$s" "$mode"
        elif [ "$mode" = all ]; then
            /probe "$FSM_MNT" /dmctl "$name:${s##*/}" < "$s"
        else
            /probe "$FSM_MNT" /dmctl "$name:${s##*/}" "$mode" < "$s"
        fi
        /dmctl heal >/dev/null 2>&1
    done
    if [ "$mode" != before ]; then umount "$FSM_MNT"; dmsetup remove "$FSM_DM"; fi
done < /fs.list
echo "E"
if [ "$mode" = before ]; then        # power loss: reboot at once, nothing synced or unmounted
    echo 1 > /proc/sys/kernel/sysrq; echo b > /proc/sysrq-trigger
fi
poweroff -f
