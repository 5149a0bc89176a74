#!/bin/busybox sh
# /init of the conformance initramfs: load the modules, then for each file system image
# (/fs.list: device, type, name, mount options) map it through
# device-mapper, mount it and run every scenario with the probe.  Output: the serial console.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
export DM_DISABLE_UDEV=1 LD_LIBRARY_PATH=/lib
for m in $(cat /modules.order); do insmod "/lib/modules/$m" 2>/dev/null; done
echo "K $(uname -r)"
while read -r dev fs name opts; do
    export FSM_DEV="$dev" FSM_FS="$fs" FSM_OPTS="$opts" FSM_SECTORS="$(blockdev --getsz "$dev")"
    echo "0 $FSM_SECTORS linear $dev 0" | dmsetup create fsm || { echo "X $name dmsetup"; continue; }
    mount -t "$fs" -o "$opts" /dev/mapper/fsm /mnt ||
        { echo "X $name mount: $(dmesg | tail -3 | tr "\n" " ")"; dmsetup remove fsm; continue; }
    echo "F $name"
    for s in /scenarios/*; do
        /probe /mnt /dmctl "$name:${s##*/}" < "$s"
        /dmctl heal >/dev/null 2>&1
    done
    umount /mnt; dmsetup remove fsm
done < /fs.list
echo "E"
poweroff -f
