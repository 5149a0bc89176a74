#!/bin/sh
# The probe's helper in the guest: swap the device-mapper table so that exactly the given
# sectors fail (dm "error" target), swap it back, or remount.  --nolockfs: a plain suspend
# would freeze the file system and write the dirty pages out before the error is live.
# Environment: FSM_DEV (the disk), FSM_SECTORS (its size), FSM_FS and FSM_OPTS (type and
# mount options).
set -e
linear() { echo "0 $FSM_SECTORS linear $FSM_DEV 0"; }
swap() { dmsetup suspend --nolockfs fsm; dmsetup load fsm; dmsetup resume --nolockfs fsm; }
case "$1" in
fail)
    end=$(($2 + $3))
    printf '0 %s linear %s 0\n%s %s error\n%s %s linear %s %s\n' \
        "$2" "$FSM_DEV" "$2" "$3" "$end" "$((FSM_SECTORS - end))" "$FSM_DEV" "$end" | swap ;;
heal) linear | swap ;;
remount) umount /mnt && mount -t "$FSM_FS" -o "$FSM_OPTS" /dev/mapper/fsm /mnt ;;
*) exit 2 ;;
esac
